using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using RegistryPortal.Data;

namespace RegistryPortal.Tests.TestSupport;

/// <summary>
/// A PostgreSQL server for tests: the one whose connection string is in <c>REGISTRY_TEST_POSTGRES</c> when
/// set, else a private one started from Debian's PostgreSQL binaries in a temp folder (as the user
/// <c>postgres</c> when the tests run as root: PostgreSQL refuses root), on 127.0.0.1 at a free port, with its
/// socket in that folder, and stopped and deleted on dispose. Missing binaries are an error, never a skip.
/// Each service test gets a schema of its own in one database; an app under test a database of its own.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string EnvironmentVariable = "REGISTRY_TEST_POSTGRES";
    private readonly string? folder;
    private readonly string? pgCtl;
    private readonly SemaphoreSlim sharedLock = new(1, 1);
    private string? sharedDatabase;
    private string? migrationScript;

    private PostgresServer(string connectionString, string? folder, string? pgCtl)
    {
        ConnectionString = connectionString;
        this.folder = folder;
        this.pgCtl = pgCtl;
    }

    /// <summary>The server's maintenance database, as its superuser.</summary>
    public string ConnectionString { get; }

    private string DataFolder => Path.Combine(folder!, "data");

    /// <param name="durable">Keep PostgreSQL's durability settings (the benchmark's server); unset: fsync and synchronous commits off, for speed.</param>
    public static async Task<PostgresServer> StartAsync(bool durable = false)
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } external)
            return new PostgresServer(external, null, null);

        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb"))).OrderByDescending(b => b, StringComparer.Ordinal).FirstOrDefault()
            : null;
        if (bin is null)
            throw new InvalidOperationException(
                "The PostgreSQL tests need Debian's PostgreSQL server (no /usr/lib/postgresql/*/bin/initdb here): " +
                $"`apt-get install -y postgresql` (.ci/run does), or set {EnvironmentVariable} to a server's connection string.");

        var folder = Directory.CreateTempSubdirectory("registry-pg-").FullName;
        var server = new PostgresServer($"Host=127.0.0.1;Port={FreePort()};Username=postgres;Database=postgres;Timeout=30;Command Timeout=60", folder, Path.Combine(bin, "pg_ctl"));
        if (Environment.IsPrivilegedProcess) await RunAsync(null, "chown", "postgres:", folder);
        var port = new NpgsqlConnectionStringBuilder(server.ConnectionString).Port;
        await server.RunAsPostgresAsync(Path.Combine(bin, "initdb"), "-D", server.DataFolder, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale", "--no-sync");
        // A test server: durability off, for speed; enough connections for racing tests.
        var durability = durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        await server.RunAsPostgresAsync(server.pgCtl!, "start", "-w", "-t", "60", "-D", server.DataFolder, "-l", Path.Combine(folder, "server.log"), "-o",
            $"-p {port} -k {folder} -c listen_addresses=127.0.0.1{durability} -c max_connections=300");
        return server;
    }

    /// <summary>A new empty database and its connection string.</summary>
    public Task<string> CreateDatabaseAsync() => CreateDatabaseAsync($"registry_{Guid.NewGuid():N}");

    /// <summary>
    /// A new schema of its own in the tests' shared database with the registry's migrations applied, and a
    /// connection string whose search path is that schema. A schema costs a fraction of a database's copy, and
    /// the migrations' SQL script (generated once, history rows included) goes in one round trip.
    /// </summary>
    public async Task<string> CreateMigratedSchemaAsync()
    {
        await sharedLock.WaitAsync();
        try
        {
            sharedDatabase ??= await CreateDatabaseAsync("registry_tests");
            await using var db = new PostgresRegistryDbContext(new DbContextOptionsBuilder<PostgresRegistryDbContext>().UseNpgsql(sharedDatabase).Options);
            migrationScript ??= db.GetService<IMigrator>().GenerateScript();
        }
        finally
        {
            sharedLock.Release();
        }
        var schema = $"t_{Guid.NewGuid():N}";
        await ExecuteAsync(sharedDatabase, $"CREATE SCHEMA \"{schema}\"");
        var connectionString = new NpgsqlConnectionStringBuilder(sharedDatabase) { SearchPath = schema }.ToString();
        await ExecuteAsync(connectionString, migrationScript);
        return connectionString;
    }

    /// <summary>Drops a database or schema made here, with everything in it.</summary>
    public async Task DropAsync(string connectionString)
    {
        // The portal's own connections are pooled under its string, with its pool defaults added (DatabaseSetup).
        NpgsqlConnection.ClearPool(new NpgsqlConnection(connectionString));
        NpgsqlConnection.ClearPool(new NpgsqlConnection(DatabaseSetup.WithPoolDefaults(connectionString)));
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        if (target.SearchPath is { Length: > 0 } schema) await ExecuteAsync(sharedDatabase!, $"DROP SCHEMA \"{schema}\" CASCADE");
        else await ExecuteAsync(ConnectionString, $"DROP DATABASE IF EXISTS \"{target.Database}\" WITH (FORCE)");
    }

    private async Task<string> CreateDatabaseAsync(string name)
    {
        await ExecuteAsync(ConnectionString, $"CREATE DATABASE \"{name}\"");
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ToString();
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (folder is null) return;
        try
        {
            await RunAsPostgresAsync(pgCtl!, "stop", "-w", "-t", "60", "-m", "fast", "-D", DataFolder);
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { /* a temp folder left behind is harmless */ }
        }
    }

    private Task RunAsPostgresAsync(string program, params string[] args) =>
        RunAsync(Environment.IsPrivilegedProcess ? "postgres" : null, program, args);

    private static async Task RunAsync(string? asUser, string program, params string[] args)
    {
        var start = new ProcessStartInfo(asUser is null ? program : "runuser") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (asUser is not null) foreach (var a in new[] { "-u", asUser, "--", program }) start.ArgumentList.Add(a);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {await error}{await output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
