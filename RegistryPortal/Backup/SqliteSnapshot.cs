using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using RegistryPortal.Data;
using RegistryPortal.Domain;
using RegistryPortal.Storage;
using RegistryPortal.Tracking;

namespace RegistryPortal.Backup;

/// <summary>
/// SQLite files of a backup: the online snapshot of the live database and what a backup or restore reads from one.
/// Connections here are never pooled, so no handle keeps a backup's file open after the call.
/// </summary>
public static class SqliteSnapshot
{
    /// <summary>
    /// Writes a consistent copy of the live database to <paramref name="target"/> with <c>VACUUM INTO</c>: in WAL mode it
    /// reads as one transaction, so the portal keeps writing meanwhile. The copy is switched to rollback-journal mode, so
    /// it is one self-contained file (the portal turns WAL on again when it starts on it).
    /// </summary>
    public static async Task TakeAsync(string liveDatabase, string target, CancellationToken ct)
    {
        await using (var live = Open(liveDatabase, SqliteOpenMode.ReadWrite))
        {
            await using var vacuum = live.CreateCommand();
            vacuum.CommandText = "VACUUM INTO $target";
            vacuum.Parameters.AddWithValue("$target", target);
            vacuum.CommandTimeout = 0; // a large registry takes as long as it takes; writers are not held up
            await vacuum.ExecuteNonQueryAsync(ct);
        }
        await using var copy = Open(target, SqliteOpenMode.ReadWrite);
        await ScalarAsync<string>(copy, "PRAGMA journal_mode=DELETE", ct);
    }

    /// <summary>The number of rows in every table of the database, by table name.</summary>
    public static async Task<SortedDictionary<string, long>> RowCountsAsync(string database, CancellationToken ct)
    {
        await using var connection = Open(database, SqliteOpenMode.ReadOnly);
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            await using var reader = await list.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) tables.Add(reader.GetString(0));
        }
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in tables) counts[table] = await ScalarAsync<long>(connection, $"SELECT COUNT(*) FROM {Quoted(table)}", ct);
        return counts;
    }

    /// <summary>The registry's own context over a backup's file, for reading it as the app does.</summary>
    public static RegistryDbContext Context(string database) =>
        new(new DbContextOptionsBuilder<RegistryDbContext>().UseSqlite(new SqliteConnectionStringBuilder
        {
            DataSource = database, Pooling = false, DefaultTimeout = 30,
        }.ToString()).Options);

    /// <summary>The last EF Core migration applied to the database.</summary>
    public static async Task<string> LastMigrationAsync(string database, CancellationToken ct)
    {
        await using var db = Context(database);
        return (await db.Database.GetAppliedMigrationsAsync(ct)).LastOrDefault()
            ?? throw new BackupException($"'{database}' has no applied migrations: it is not a RegistryPortal database.");
    }

    /// <summary>SQLite's own check of the file; throws with its findings when the file is damaged.</summary>
    public static async Task CheckIntegrityAsync(string database, CancellationToken ct)
    {
        await using var connection = Open(database, SqliteOpenMode.ReadOnly);
        var result = await ScalarAsync<string>(connection, "PRAGMA integrity_check", ct);
        if (result != "ok") throw new BackupException($"The database '{database}' is damaged: {result}");
    }

    /// <summary>Each READY model version that keeps its files in the portal's artifact store: the folder (relative to the root) and a name for messages.</summary>
    public static async Task<List<(string Folder, string Version)>> ReadyVersionFoldersAsync(string database, CancellationToken ct)
    {
        await using var db = Context(database);
        var ready = await db.Versions.Where(v => v.Status == VersionStatus.Ready)
            .Select(v => new { v.Model!.Name, v.Number, Location = v.StorageLocation == "" ? v.Source : v.StorageLocation })
            .ToListAsync(ct);
        return [.. ready.Where(v => ArtifactStore.PathOf(v.Location) is { Length: > 0 })
            .Select(v => (ArtifactStore.PathOf(v.Location)!.TrimEnd('/'), $"version {v.Number} of '{v.Name}'"))];
    }

    private static SqliteConnection Open(string database, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = database, Mode = mode, Pooling = false, DefaultTimeout = 30,
        }.ToString());
        connection.Open();
        return connection;
    }

    private static async Task<T> ScalarAsync<T>(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = await command.ExecuteScalarAsync(ct);
        return value is null or DBNull ? default! : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T));
    }

    private static string Quoted(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";
}
