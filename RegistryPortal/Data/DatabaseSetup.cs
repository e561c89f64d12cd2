using System.Data.Common;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Options;
using Npgsql;
using RegistryPortal.Registry;

namespace RegistryPortal.Data;

/// <summary>The databases the registry runs on: <c>Database:Provider</c>.</summary>
public enum DatabaseProvider
{
    /// <summary>One file, one instance; the default.</summary>
    Sqlite,
    /// <summary>A PostgreSQL server that several instances share.</summary>
    Postgres,
}

public static class DatabaseSetup
{
    /// <summary>
    /// The database the settings name (<see cref="DatabaseOptions"/>), read and checked now: it decides which services
    /// there are. A relative SQLite data folder resolves against the working directory, and is made when missing.
    /// </summary>
    public static IServiceCollection AddRegistryDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        var database = Settings.Read(configuration, DatabaseOptions.Section, new ValidateDatabaseOptions());
        if (database.Kind == DatabaseProvider.Postgres)
            return services.AddRegistryDatabase(DatabaseProvider.Postgres, database.ConnectionString!, database.ConcurrentWrites);
        if (string.IsNullOrEmpty(database.ConnectionString)) Directory.CreateDirectory(Path.GetDirectoryName(database.SqliteFile)!);
        return services.AddRegistryDatabase(database.SqliteConnectionString);
    }

    public static IServiceCollection AddRegistryDatabase(this IServiceCollection services, string sqliteConnectionString) =>
        services.AddRegistryDatabase(DatabaseProvider.Sqlite, sqliteConnectionString);

    /// <summary>
    /// The factory gives every service operation its own context; Identity's stores and Data Protection get a
    /// scoped one. Both are <see cref="RegistryDbContext"/>s; on PostgreSQL they are its PostgreSQL kind.
    /// <para>Contexts are pooled: a new one builds its own service scope, options and connection object (with
    /// SQLite's functions registered on it), which cost a read of one model more than its queries did. No
    /// context keeps state of its own between operations. EF Core's thread-safety check is off: it guards
    /// against two threads using one context at once, which one context per operation rules out, and it sets an
    /// AsyncLocal on every row read (a sixth of what a registered-models search allocated).</para>
    /// </summary>
    public static IServiceCollection AddRegistryDatabase(this IServiceCollection services, DatabaseProvider provider, string connectionString,
        int? concurrentWrites = null)
    {
        // What the services run on, for those that behave differently on a shared database (crash recovery, the write slots).
        services.AddSingleton(Options.Create(new DatabaseOptions
        {
            Provider = provider.ToString(), ConnectionString = connectionString, ConcurrentWrites = concurrentWrites,
        }));
        if (provider == DatabaseProvider.Sqlite)
        {
            services.AddPooledDbContextFactory<RegistryDbContext>(options =>
                options.UseSqlite(connectionString, OneArrayParameter).AddInterceptors(new SqliteDurability()).EnableThreadSafetyChecks(false));
            services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<RegistryDbContext>>().CreateDbContext());
            return services;
        }

        // Not pooled on PostgreSQL: with pooled contexts a test that holds one model's write open while others wait
        // failed now and then under load (a DROP SCHEMA deadlock at teardown); pooling is SQLite's gain (see above).
        var pooled = WithPoolDefaults(connectionString);
        services.AddDbContextFactory<PostgresRegistryDbContext>(options => options.UseNpgsql(pooled, OneArrayParameter).EnableThreadSafetyChecks(false));
        services.AddSingleton<IDbContextFactory<RegistryDbContext>, BaseContextFactory<PostgresRegistryDbContext>>();
        services.AddScoped<RegistryDbContext>(sp => sp.GetRequiredService<PostgresRegistryDbContext>());
        services.AddHostedService(sp => new ChangeFeedListener(connectionString, sp.GetRequiredService<RegistryChanges>(), sp.GetRequiredService<ILogger<ChangeFeedListener>>()));
        services.AddHostedService(sp => new ChangeFeedAnnouncer(pooled, sp.GetRequiredService<RegistryChanges>(), sp.GetRequiredService<ILogger<ChangeFeedAnnouncer>>()));
        return services;
    }

    /// <summary>
    /// The PostgreSQL connection string with two of Npgsql's settings changed, unless it sets them itself:
    /// <list type="bullet">
    /// <item><c>Max Auto Prepare</c> (off by default): a statement run 5 times on a connection is prepared there, so
    /// PostgreSQL parses and plans each of the registry's statements once per connection instead of on every run. Two
    /// instances under 32 writers wrote ~15% more a second with it (README, Several instances).</item>
    /// <item><c>No Reset On Close</c>: a connection back in the pool is not reset (seven statements, RESET ALL to
    /// DISCARD TEMP, run by the server before the next use). The portal leaves nothing to reset: it sets no session
    /// setting, its advisory locks end with their transactions, and it LISTENs on a connection of its own outside the pool.</item>
    /// </list>
    /// </summary>
    public static string WithPoolDefaults(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        bool Sets(string key) => given.Keys.Cast<string>().Any(k => k.Replace(" ", "").Equals(key, StringComparison.OrdinalIgnoreCase));
        var added = (Sets("MaxAutoPrepare") ? "" : $";Max Auto Prepare={AutoPreparedStatements}") + (Sets("NoResetOnClose") ? "" : ";No Reset On Close=true");
        return added.Length == 0 ? connectionString : connectionString.TrimEnd(';', ' ') + added;
    }

    /// <summary>Statements kept prepared per connection; past it Npgsql replaces the one least recently used.</summary>
    public const int AutoPreparedStatements = 100;

    /// <summary>
    /// A list of ids in a query (a page's models, their versions, the users they name) goes as one array parameter
    /// (SQLite json_each, PostgreSQL = ANY): EF Core 10's default of one parameter per id means preparing and binding
    /// hundreds of them, which cost as much CPU as the query itself, and compiled queries follow this setting only.
    /// </summary>
    private static void OneArrayParameter<TBuilder, TExtension>(RelationalDbContextOptionsBuilder<TBuilder, TExtension> options)
        where TBuilder : RelationalDbContextOptionsBuilder<TBuilder, TExtension>
        where TExtension : RelationalOptionsExtension, new() =>
        options.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter);

    /// <summary>
    /// Data Protection's keys (sign-in cookies, antiforgery) in the database, under one application name, so
    /// every instance on the database reads what any other wrote.
    /// </summary>
    public static IServiceCollection AddRegistryDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("RegistryPortal").PersistKeysToDbContext<RegistryDbContext>();
        return services;
    }

    /// <summary>Applies pending migrations; on SQLite turns on WAL, so readers never wait for the writer.</summary>
    public static async Task MigrateRegistryDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        var factory = services.GetRequiredService<IDbContextFactory<RegistryDbContext>>();
        await using var db = await factory.CreateDbContextAsync(ct);
        if (!db.Database.IsSqlite())
        {
            // On an empty PostgreSQL database EF Core reads the history table before it creates it, and logs that
            // expected failure as an error (dotnet/efcore#37328), which made every first start look broken.
            try { await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(ct); }
            catch (PostgresException) { /* another instance made it at the same moment; migrating goes on as before */ }
        }
        await db.Database.MigrateAsync(ct);
        if (db.Database.IsSqlite()) await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
    }

    /// <summary>Whether the database answers and has every migration applied: what /health/ready reports.</summary>
    public static async Task<bool> IsReadyAsync(RegistryDbContext db, CancellationToken ct) =>
        await db.Database.CanConnectAsync(ct) && !(await db.Database.GetPendingMigrationsAsync(ct)).Any();

    private sealed class BaseContextFactory<TContext>(IDbContextFactory<TContext> factory) : IDbContextFactory<RegistryDbContext>
        where TContext : RegistryDbContext
    {
        public RegistryDbContext CreateDbContext() => factory.CreateDbContext();

        public async Task<RegistryDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
            await factory.CreateDbContextAsync(cancellationToken);
    }
}
