using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Data;

namespace RegistryPortal.Tests.Data;

/// <summary>Database:Provider and Database:ConnectionString as the app reads them at start.</summary>
public class DatabaseSettingsTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Theory]
    [InlineData(null, DatabaseProvider.Sqlite)]
    [InlineData("", DatabaseProvider.Sqlite)]
    [InlineData("Sqlite", DatabaseProvider.Sqlite)]
    [InlineData("postgres", DatabaseProvider.Postgres)]
    [InlineData("Postgres", DatabaseProvider.Postgres)]
    public void The_provider_is_SQLite_unless_PostgreSQL_is_named_in_any_case(string? setting, DatabaseProvider expected)
    {
        var settings = setting is null ? Settings() : Settings(("Database:Provider", setting));
        Assert.Equal(expected, DatabaseSetup.Provider(settings));
    }

    [Theory]
    [InlineData("MySql")]
    [InlineData("2")]
    public void An_unknown_provider_is_refused_naming_the_known_ones(string setting)
    {
        var e = Assert.Throws<InvalidOperationException>(() => DatabaseSetup.Provider(Settings(("Database:Provider", setting))));
        Assert.Contains("Sqlite, Postgres", e.Message);
    }

    [Fact]
    public void PostgreSQL_without_a_connection_string_is_refused_at_start()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            new ServiceCollection().AddRegistryDatabase(Settings(("Database:Provider", "Postgres"))));
        Assert.Contains("Database:ConnectionString", e.Message);
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
}
