using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using RegistryPortal.Data;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace RegistryPortal.E2E;

/// <summary>
/// Scaling out: two instances of the app on one PostgreSQL database. A change made
/// through one is seen through the other's API at once and on a page open on the other without a reload;
/// a sign-in on one is a sign-in on the other; both report healthy.
/// </summary>
[Collection(TwoInstancesCollection.Name)]
public sealed class ScaleOutTests(TwoInstancesFixture instances) : IAsyncLifetime
{
    private readonly TwoInstancePages pages = new(instances);

    [Fact]
    public async Task A_version_moved_through_one_instance_is_seen_through_the_others_API_at_once_and_on_its_open_page_without_a_reload()
    {
        var name = await CreateModelWithOneVersionAsync("scale");
        var page = await pages.NewPageAsync(instances.B);
        await page.SignInAsync(await AdminAsync(), $"/models/{name}/versions/1");
        await Expect(page.VersionStageChip()).ToHaveAttributeAsync("data-stage", "None");
        var pageUrl = page.Url;

        using var throughA = instances.A.AdminClient();
        var moved = await throughA.PostAsJsonAsync("/api/2.0/mlflow/model-versions/transition-stage",
            new { name, version = "1", stage = "Staging", archive_existing_versions = false });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);

        using var throughB = instances.B.AdminClient();
        var seen = await throughB.GetFromJsonAsync<JsonObject>($"/api/2.0/mlflow/model-versions/get?name={Uri.EscapeDataString(name)}&version=1");
        Assert.Equal("Staging", (string?)seen!["model_version"]!["current_stage"]);

        // Instance B's open page hears of A's change (LISTEN/NOTIFY) and re-renders on its circuit.
        await Expect(page.VersionStageChip()).ToHaveAttributeAsync("data-stage", "Staging");
        await Expect(page.StageMenuButton()).ToHaveTextAsync("Stage: Staging");
        Assert.Equal(pageUrl, page.Url);
    }

    [Fact]
    public async Task A_sign_in_on_one_instance_is_accepted_by_the_other_with_the_keys_kept_in_the_database()
    {
        var page = await pages.NewPageAsync(instances.A);
        await page.SignInAsync(await AdminAsync(), "/models");

        // The cookie instance A issued (cookies are per host, not per port), read by instance B.
        await page.GotoAsync(instances.B.BaseUrl + "/models");
        await Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(instances.B.BaseUrl) + "/models$"));
        await page.WaitForCircuitAsync();
        await Expect(page.Button("Create Model")).ToBeVisibleAsync();

        foreach (var instance in new[] { instances.A, instances.B })
        {
            var repository = instance.Service<IOptions<KeyManagementOptions>>().Value.XmlRepository;
            Assert.IsType<EntityFrameworkCoreXmlRepository<RegistryDbContext>>(repository);
        }
        var keys = await QueryAsync(db => db.DataProtectionKeys.CountAsync());
        Assert.True(keys >= 1, "No Data Protection key in the database.");
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Both_instances_answer_health_checks_anonymously(string path)
    {
        foreach (var instance in new[] { instances.A, instances.B })
        {
            using var client = instance.Browser();
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
        }
    }

    private async Task<string> CreateModelWithOneVersionAsync(string prefix)
    {
        var admin = (await AdminAsync()).Actor;
        var name = $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
        await instances.A.Service<ModelService>().CreateAsync(admin, name);
        await instances.A.Service<VersionService>().RegisterAsync(admin, new NewVersion(name, $"s3://scale/{name}/1"));
        return name;
    }

    private Task<TestUser> AdminAsync() => instances.AdminAsync();

    private async Task<T> QueryAsync<T>(Func<RegistryDbContext, Task<T>> query)
    {
        await using var db = await instances.A.Service<IDbContextFactory<RegistryDbContext>>().CreateDbContextAsync();
        return await query(db);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await pages.DisposeAsync();
    }
}
