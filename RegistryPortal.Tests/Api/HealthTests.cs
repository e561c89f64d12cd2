using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RegistryPortal.Data;
using RegistryPortal.Storage.FileSystem;
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

    [Fact]
    public async Task With_an_artifact_store_that_cannot_be_used_the_app_is_not_ready_and_the_check_says_why()
    {
        var root = app.Services.GetRequiredService<FileSystemArtifactStore>().Root;
        var aside = root + ".aside";
        if (Directory.Exists(root)) Directory.Move(root, aside);
        await File.WriteAllTextAsync(root, "a file where the artifact folder should be");
        try
        {
            var ready = await app.Browser().GetAsync("/health/ready");
            var report = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Equal("Unhealthy", await ready.Content.ReadAsStringAsync()); // the reason goes to the log, not to anonymous callers
            var artifacts = report.Entries["artifacts"];
            Assert.Equal(HealthStatus.Unhealthy, artifacts.Status);
            Assert.Contains($"The artifact folder '{root}' (Artifacts:Root) cannot be written", artifacts.Description);
            Assert.Equal(HealthStatus.Healthy, report.Entries["database"].Status);
        }
        finally
        {
            File.Delete(root);
            if (Directory.Exists(aside)) Directory.Move(aside, root);
        }
        Assert.Equal(HttpStatusCode.OK, (await app.Browser().GetAsync("/health/ready")).StatusCode);
    }
}
