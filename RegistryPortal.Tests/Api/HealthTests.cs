using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Data;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Api;

/// <summary>/health/live and /health/ready of the real app on SQLite, asked without credentials.</summary>
public class HealthTests(PortalHost app) : IClassFixture<PortalHost>
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task A_migrated_app_is_live_and_ready_to_anonymous_callers(string path)
    {
        var response = await app.Browser().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task With_a_migration_not_applied_the_app_is_live_but_not_ready()
    {
        var factory = app.Services.GetRequiredService<IDbContextFactory<RegistryDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var last = (await db.Database.GetAppliedMigrationsAsync()).Last();
        await db.Database.ExecuteSqlAsync($"DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = {last}");
        try
        {
            var ready = await app.Browser().GetAsync("/health/ready");
            var live = await app.Browser().GetAsync("/health/live");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Equal("Unhealthy", await ready.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        finally
        {
            await db.Database.ExecuteSqlAsync($"INSERT INTO \"__EFMigrationsHistory\" (\"MigrationId\", \"ProductVersion\") VALUES ({last}, '10.0.15')");
        }
    }
}
