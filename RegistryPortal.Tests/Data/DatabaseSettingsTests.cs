using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RegistryPortal.Data;

namespace RegistryPortal.Tests.Data;

/// <summary>Database:* as the app reads them at start (<see cref="DatabaseOptions"/>).</summary>
public class DatabaseSettingsTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    private static DatabaseOptions Read(params (string Key, string Value)[] values) =>
        RegistryPortal.Settings.Read(Settings(values), DatabaseOptions.Section, new ValidateDatabaseOptions());

    [Theory]
    [InlineData(null, DatabaseProvider.Sqlite)]
    [InlineData("", DatabaseProvider.Sqlite)]
    [InlineData("Sqlite", DatabaseProvider.Sqlite)]
    [InlineData("postgres", DatabaseProvider.Postgres)]
    [InlineData("Postgres", DatabaseProvider.Postgres)]
    public void The_provider_is_SQLite_unless_PostgreSQL_is_named_in_any_case(string? setting, DatabaseProvider expected)
    {
        var connection = expected == DatabaseProvider.Postgres ? "Host=db;Database=registry" : "";
        var options = setting is null ? Read() : Read(("Database:Provider", setting), ("Database:ConnectionString", connection));

        Assert.Equal(expected, options.Kind);
    }

    [Theory]
    [InlineData("MySql")]
    [InlineData("2")]
    [InlineData("1")]
    public void An_unknown_provider_is_refused_naming_the_known_ones(string setting)
    {
        var e = Assert.Throws<InvalidSettingsException>(() => Read(("Database:Provider", setting)));

        Assert.Equal($"Database:Provider is '{setting}': give one of Sqlite, Postgres.", e.Message);
    }

    [Fact]
    public void PostgreSQL_without_a_connection_string_is_refused_at_start()
    {
        var e = Assert.Throws<InvalidSettingsException>(() =>
            new ServiceCollection().AddRegistryDatabase(Settings(("Database:Provider", "Postgres"))));

        Assert.StartsWith("Database:ConnectionString is empty, but Database:Provider is Postgres", e.Message);
    }

    [Fact]
    public void The_SQLite_file_is_the_file_name_in_the_data_folder_or_the_connection_string_s()
    {
        Assert.Equal(Path.GetFullPath(Path.Combine("data", "registry.db")), Read().SqliteFile);
        Assert.Equal("/srv/r/x.db", Read(("Database:DataFolder", "/srv/r"), ("Database:FileName", "x.db")).SqliteFile);
        Assert.Equal("/srv/other.db", Read(("Database:DataFolder", "/srv/r"), ("Database:ConnectionString", "Data Source=/srv/other.db")).SqliteFile);
        Assert.Equal(Path.GetFullPath(Path.Combine("data", "registry.db")), Read(("Database:DataFolder", ""), ("Database:FileName", "")).SqliteFile);
    }

    [Fact]
    public void On_PostgreSQL_services_get_the_PostgreSQL_context_as_a_RegistryDbContext()
    {
        using var services = new ServiceCollection().AddLogging()
            .AddRegistryDatabase(Settings(("Database:Provider", "Postgres"), ("Database:ConnectionString", "Host=127.0.0.1;Database=none")))
            .BuildServiceProvider();

        using var db = services.GetRequiredService<IDbContextFactory<RegistryDbContext>>().CreateDbContext();
        Assert.IsType<PostgresRegistryDbContext>(db);
        Assert.Contains(db.Database.GetMigrations(), m => m.EndsWith("_Initial", StringComparison.Ordinal));
        Assert.DoesNotContain(db.Database.GetMigrations(), m => m.EndsWith("_Tracking", StringComparison.Ordinal)); // SQLite's own
        using var scope = services.CreateScope();
        Assert.IsType<PostgresRegistryDbContext>(scope.ServiceProvider.GetRequiredService<RegistryDbContext>());
    }

    [Fact]
    public void On_PostgreSQL_the_contexts_connect_with_automatic_preparation_on_and_no_reset_of_pooled_connections()
    {
        using var services = new ServiceCollection().AddLogging()
            .AddRegistryDatabase(Settings(("Database:Provider", "Postgres"), ("Database:ConnectionString", "Host=127.0.0.1;Database=none;Password=p;")))
            .BuildServiceProvider();

        using var db = services.GetRequiredService<IDbContextFactory<RegistryDbContext>>().CreateDbContext();
        var used = new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString());
        Assert.Equal((DatabaseSetup.AutoPreparedStatements, true), (used.MaxAutoPrepare, used.NoResetOnClose));
        Assert.Equal(("127.0.0.1", "none", "p"), (used.Host, used.Database, used.Password));
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0;No Reset On Close=false", 0, false)]
    [InlineData("Host=db;maxautoprepare=20", 20, true)]
    [InlineData("NoResetOnClose=false;MAX AUTO PREPARE = 5;Host=db", 5, false)]
    [InlineData("Host=db;no reset on close=true", DatabaseSetup.AutoPreparedStatements, true)]
    public void A_connection_string_that_sets_the_pool_settings_keeps_its_values(string given, int autoPrepare, bool noReset)
    {
        var used = new NpgsqlConnectionStringBuilder(DatabaseSetup.WithPoolDefaults(given));
        Assert.Equal((autoPrepare, noReset), (used.MaxAutoPrepare, used.NoResetOnClose));
        Assert.StartsWith(given.TrimEnd(';'), DatabaseSetup.WithPoolDefaults(given));
    }

    [Fact]
    public void PostgreSQL_keeps_twice_the_cores_of_write_transactions_open_unless_told_another_number()
    {
        const string postgres = "Host=127.0.0.1;Database=none";
        int SlotsOf(params (string Key, string Value)[] more)
        {
            using var services = new ServiceCollection().AddLogging()
                .AddRegistryDatabase(Settings([("Database:Provider", "Postgres"), ("Database:ConnectionString", postgres), .. more]))
                .BuildServiceProvider();
            return services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DatabaseOptions>>().Value.WriteSlots;
        }

        Assert.Equal(2 * Environment.ProcessorCount, SlotsOf());
        Assert.Equal(2 * Environment.ProcessorCount, SlotsOf(("Database:ConcurrentWrites", "")));
        Assert.Equal(3, SlotsOf(("Database:ConcurrentWrites", "3")));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    public void Fewer_than_one_concurrent_write_is_refused_at_start(string setting)
    {
        var e = Assert.Throws<InvalidSettingsException>(() => Read(
            ("Database:Provider", "Postgres"), ("Database:ConnectionString", "Host=db"), ("Database:ConcurrentWrites", setting)));

        Assert.Equal($"Database:ConcurrentWrites is {setting}: give at least 1 write transaction per instance, or leave it empty for twice the cores.", e.Message);
    }
}
