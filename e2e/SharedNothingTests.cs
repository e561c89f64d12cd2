using System.Text.RegularExpressions;
using Microsoft.Playwright;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using RegistryPortal.Storage;
using RegistryPortal.Tests.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace RegistryPortal.E2E;

/// <summary>
/// Shared nothing but services: two instances on one PostgreSQL database and one Azure Blob container (Azurite), with
/// no folder in common. A model registered in the browser through one instance downloads byte for byte through the
/// other's API; a version registered from a run logged through one is READY on a page of the other opened before.
/// </summary>
[Collection(TwoInstancesCollection.Name)]
public sealed class SharedNothingTests(TwoInstancesFixture instances) : IAsyncLifetime
{
    private readonly TwoInstancePages pages = new(instances);
    private readonly string files = Directory.CreateTempSubdirectory("registryportal-shared-nothing-").FullName;

    [Fact]
    public async Task A_model_registered_in_the_browser_through_A_downloads_byte_for_byte_through_Bs_API()
    {
        var admin = await instances.AdminAsync();
        var name = $"shared-{Guid.NewGuid().ToString("N")[..8]}";
        await instances.A.Service<ModelService>().CreateAsync(admin.Actor, name);
        var folder = Directory.CreateDirectory(Path.Combine(files, "model")).FullName;
        Directory.CreateDirectory(Path.Combine(folder, "data"));
        var mlmodel = "flavors:\n  python_function: {}\n"u8.ToArray();
        var weights = new byte[3 * 1024 * 1024 + 11];
        new Random(7).NextBytes(weights);
        File.WriteAllBytes(Path.Combine(folder, "MLmodel"), mlmodel);
        File.WriteAllBytes(Path.Combine(folder, "data", "model.pkl"), weights);

        var page = await pages.NewPageAsync(instances.A);
        await page.SignInAsync(admin, $"/models/{name}");
        await page.Button("Register Model").ClickAsync();
        var dialog = page.OpenDialog();
        await dialog.GetByLabel("Choose folder", new() { Exact = true }).SetInputFilesAsync(folder);
        await dialog.Button("Register").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/models/{name}/versions/1$"));
        await Expect(page.Locator("tr:has(th:text-is('Status')) td")).ToHaveTextAsync("READY");

        using var throughB = new MlflowApiClient(instances.B.BaseUrl, admin);
        var download = (string)(await throughB.GetAsync($"model-versions/get-download-uri?name={name}&version=1"))["artifact_uri"]!;
        Assert.StartsWith(ModelFileStore.RegistryUriPrefix, download);
        Assert.Equal(weights, await throughB.GetFileAsync(download, "data/model.pkl"));
        Assert.Equal(mlmodel, await throughB.GetFileAsync(download, "MLmodel"));
        Assert.False(Directory.Exists(instances.A.ArtifactsFolder), "Instance A wrote into a folder of its own.");
    }

    [Fact]
    public async Task A_version_registered_from_a_run_logged_through_B_is_READY_on_As_open_page()
    {
        var admin = await instances.AdminAsync();
        var name = $"shared-run-{Guid.NewGuid().ToString("N")[..8]}";
        using var throughB = new MlflowApiClient(instances.B.BaseUrl, admin);
        var experimentId = (string)(await throughB.PostAsync("experiments/create", new { name }))["experiment_id"]!;
        var info = (await throughB.PostAsync("runs/create", new { experiment_id = experimentId, run_name = "train", start_time = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }))["run"]!["info"]!;
        var runId = (string)info["run_id"]!;
        var artifactPath = ((string)info["artifact_uri"]!)["mlflow-artifacts:/".Length..];
        var weights = new byte[1024 * 1024 + 3];
        new Random(9).NextBytes(weights);
        await throughB.PutFileAsync($"{artifactPath}/model/MLmodel", "flavors: {}\n"u8.ToArray());
        await throughB.PutFileAsync($"{artifactPath}/model/model.pkl", weights);
        await throughB.PostAsync("registered-models/create", new { name });

        var page = await pages.NewPageAsync(instances.A);
        await page.SignInAsync(admin, $"/models/{name}");
        var pageUrl = page.Url;
        await throughB.PostAsync("model-versions/create", new { name, source = $"runs:/{runId}/model", run_id = runId });

        // A's open page hears of B's registration and lists the version without a reload; its page shows it READY,
        // with the files B's run wrote, read by A from the shared container.
        var version = page.GetByRole(AriaRole.Link, new() { Name = "Version 1", Exact = true });
        await Expect(version).ToBeVisibleAsync();
        Assert.Equal(pageUrl, page.Url);
        await version.ClickAsync();
        await Expect(page.Locator("tr:has(th:text-is('Status')) td")).ToHaveTextAsync("READY");
        using var throughA = new MlflowApiClient(instances.A.BaseUrl, admin);
        var download = (string)(await throughA.GetAsync($"model-versions/get-download-uri?name={name}&version=1"))["artifact_uri"]!;
        Assert.Equal(weights, await throughA.GetFileAsync(download, "model.pkl"));
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await pages.DisposeAsync();
        Directory.Delete(files, recursive: true);
    }
}
