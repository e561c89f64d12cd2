using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace RegistryPortal.Data;

/// <summary>Settings under "Database": which database, and where (README, Configuration). Empty values mean the defaults.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Sqlite (the default) or Postgres, in any case; see <see cref="Kind"/>.</summary>
    public string? Provider { get; set; }

    /// <summary>SQLite: the folder of the file, relative to the working directory (default data).</summary>
    public string? DataFolder { get; set; }

    /// <summary>SQLite: the file inside <see cref="DataFolder"/> (default registry.db).</summary>
    public string? FileName { get; set; }

    /// <summary>SQLite: a full connection string that replaces the two above. Postgres: required.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// PostgreSQL: the write transactions one instance keeps open at once; later writes queue in the instance, in
    /// order, until one ends. Empty: twice the instance's cores (see <see cref="WriteSlots"/>).
    /// </summary>
    public int? ConcurrentWrites { get; set; }

    /// <summary>
    /// <see cref="ConcurrentWrites"/>, or twice the cores: a write holds its model's lock from its first statement to its
    /// commit, and with more writes open than the cores can run, its statements wait for a core while that lock is held
    /// (README, Several instances).
    /// </summary>
    public int WriteSlots => ConcurrentWrites ?? 2 * Environment.ProcessorCount;

    /// <summary>The provider <see cref="Provider"/> names; null when it names none (refused at start).</summary>
    public DatabaseProvider? Kind =>
        string.IsNullOrEmpty(Provider) ? DatabaseProvider.Sqlite
        : Enum.TryParse<DatabaseProvider>(Provider, ignoreCase: true, out var kind) && Enum.IsDefined(kind) && !char.IsAsciiDigit(Provider[0]) ? kind
        : null;

    /// <summary>The SQLite file, as a full path: the connection string's, or <see cref="FileName"/> in <see cref="DataFolder"/>.</summary>
    public string SqliteFile => Path.GetFullPath(string.IsNullOrEmpty(ConnectionString)
        ? Path.Combine(OrDefault(DataFolder, "data"), OrDefault(FileName, "registry.db"))
        : new SqliteConnectionStringBuilder(ConnectionString).DataSource);

    /// <summary>The SQLite connection string: <see cref="ConnectionString"/> when given, else one for <see cref="SqliteFile"/>.</summary>
    public string SqliteConnectionString => string.IsNullOrEmpty(ConnectionString)
        ? new SqliteConnectionStringBuilder { DataSource = SqliteFile, DefaultTimeout = 30 }.ToString()
        : ConnectionString;

    private static string OrDefault(string? value, string fallback) => string.IsNullOrEmpty(value) ? fallback : value;
}

public sealed class ValidateDatabaseOptions : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        var problems = new SettingProblems(DatabaseOptions.Section);
        switch (options.Kind)
        {
            case null:
                problems.Add(nameof(DatabaseOptions.Provider), $"is '{options.Provider}': give one of {string.Join(", ", Enum.GetNames<DatabaseProvider>())}.");
                break;
            case DatabaseProvider.Postgres when string.IsNullOrEmpty(options.ConnectionString):
                problems.Add(nameof(DatabaseOptions.ConnectionString),
                    "is empty, but Database:Provider is Postgres: name the server (Host=…;Database=…;Username=…;Password=…).");
                break;
            case DatabaseProvider.Postgres when options.ConcurrentWrites < 1:
                problems.Add(nameof(DatabaseOptions.ConcurrentWrites),
                    $"is {options.ConcurrentWrites}: give at least 1 write transaction per instance, or leave it empty for twice the cores.");
                break;
            case DatabaseProvider.Sqlite when !IsSqliteConnectionString(options.ConnectionString):
                problems.Add(nameof(DatabaseOptions.ConnectionString), "is not a SQLite connection string: give one such as Data Source=/srv/registry/registry.db, or leave it empty.");
                break;
        }
        return problems.Result;
    }

    private static bool IsSqliteConnectionString(string? value)
    {
        if (string.IsNullOrEmpty(value)) return true;
        try { return new SqliteConnectionStringBuilder(value).DataSource.Length > 0; }
        catch (ArgumentException) { return false; }
    }
}
