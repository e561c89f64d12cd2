using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace RegistryPortal.Data;

public static class DatabaseSetup
{
    /// <summary>
    /// The SQLite connection string from settings: Database:ConnectionString when given, else a file
    /// Database:FileName inside Database:DataFolder (relative paths resolve against the working directory).
    /// </summary>
    public static string SqliteConnectionString(IConfiguration configuration)
    {
        if (configuration["Database:ConnectionString"] is { Length: > 0 } explicitConnection) return explicitConnection;
        var folder = Path.GetFullPath(configuration["Database:DataFolder"] is { Length: > 0 } f ? f : "data");
        var file = configuration["Database:FileName"] is { Length: > 0 } n ? n : "registry.db";
        Directory.CreateDirectory(folder);
        return new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, file), DefaultTimeout = 30 }.ToString();
    }

    public static IServiceCollection AddRegistryDatabase(this IServiceCollection services, string sqliteConnectionString) =>
        // The factory gives every service operation its own context; Identity's stores get a scoped one.
        services.AddDbContextFactory<RegistryDbContext>(options => options.UseSqlite(sqliteConnectionString));

    /// <summary>Applies pending migrations and turns on WAL, so readers never wait for the writer.</summary>
    public static async Task MigrateRegistryDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        var factory = services.GetRequiredService<IDbContextFactory<RegistryDbContext>>();
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Database.MigrateAsync(ct);
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
    }
}
