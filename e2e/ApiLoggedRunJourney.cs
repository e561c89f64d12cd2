using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Storage;
using static Microsoft.Playwright.Assertions;

namespace RegistryPortal.E2E;

/// <summary>
/// The lineage journey from the MLflow side: a training script logs a run and its model over the HTTP API
/// (as MLflow's Python client does, request by request), then a person finds the run in the portal,
/// registers its model folder from the run page, and follows the version's lineage back to the run.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class ApiLoggedRunJourney(PortalFixture portal) : JourneyTest(portal)
{
    private const string MlModel = "artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.sklearn\n";

    [Fact]
    public async Task A_run_logged_over_the_API_shows_on_its_run_page_and_registers_from_there_with_lineage_back()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var scientist = await Portal.CreateUserAsync(Roles.Editor);
        using var api = new MlflowApiClient(Portal.BaseUrl, scientist);

        // What mlflow.start_run / log_params / log_metric / log_model / end_run send.
        var experimentName = $"api-journey-{id}";
        var experimentId = (string)(await api.PostAsync("experiments/create", new { name = experimentName }))["experiment_id"]!;
        var info = (await api.PostAsync("runs/create", new { experiment_id = experimentId, run_name = "lgbm-api", start_time = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }))["run"]!["info"]!;
        var runId = (string)info["run_id"]!;
        var artifactUri = (string)info["artifact_uri"]!;
        await api.PostAsync("runs/log-batch", new
        {
            run_id = runId, @params = new[] { new { key = "num_leaves", value = "31" } },
            metrics = new[] { new { key = "rmse", value = 0.42, timestamp = 1, step = 0 }, new { key = "rmse", value = 0.37, timestamp = 2, step = 1 } },
        });
        var files = new Dictionary<string, byte[]>
        {
            ["MLmodel"] = Encoding.UTF8.GetBytes(MlModel),
            ["requirements.txt"] = "lightgbm==4.3.0\n"u8.ToArray(),
            ["model.pkl"] = Enumerable.Range(0, 2048).Select(i => (byte)(i * 13)).ToArray(),
        };
        var artifactPath = artifactUri["mlflow-artifacts:/".Length..];
        foreach (var (file, bytes) in files)
        {
            await api.PutFileAsync($"{artifactPath}/model/{file}", bytes);
        }
        await api.PostAsync("runs/log-model", new { run_id = runId, model_json = """{"artifact_path": "model", "flavors": {"python_function": {}}}""" });
        await api.PostAsync("runs/update", new { run_id = runId, status = "FINISHED", end_time = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() });

        // A person finds the run in the portal and sees what the script logged.
        var page = await NewBrowserAsync();
        await page.SignInAsync(scientist);
        await page.GotoAsync($"/experiments/{experimentId}");
        await Expect(page.Heading(experimentName)).ToBeVisibleAsync();
        var runsTable = page.GetByLabel("Runs", new() { Exact = true });
        await Expect(runsTable.GetByRole(AriaRole.Row).Filter(new() { HasText = "lgbm-api" })).ToContainTextAsync("0.37");
        await runsTable.Link("lgbm-api").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/experiments/{experimentId}/runs/{runId}$"));
        await Expect(page.GetByLabel("Parameters", new() { Exact = true }).GetByRole(AriaRole.Cell)).ToHaveTextAsync(["num_leaves", "31"]);
        await Expect(page.GetByLabel("Metrics", new() { Exact = true }).GetByRole(AriaRole.Cell)).ToHaveTextAsync(["rmse", "0.37", "1"]);
        var tree = page.GetByLabel("Artifact files");
        await tree.GetByText("requirements.txt", new() { Exact = true }).ClickAsync();
        await Expect(page.GetByLabel("Preview")).ToHaveTextAsync("lightgbm==4.3.0\n");

        // Register Model on the logged model folder.
        await tree.GetByText("model", new() { Exact = true }).ClickAsync();
        await page.Button("Register Model").ClickAsync();
        var dialog = page.OpenDialog();
        await Expect(dialog.GetByRole(AriaRole.Textbox, new() { Name = "Source URI" })).ToHaveValueAsync($"runs:/{runId}/model");
        var modelName = $"api-journey-{id}";
        await dialog.GetByText("Create New Model", new() { Exact = true }).ClickAsync();
        await dialog.GetByRole(AriaRole.Textbox, new() { Name = "New model name" }).FillAsync(modelName);
        await dialog.Button("Register").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/models/{modelName}/versions/1$"));
        await Expect(page.Locator("tr:has(th:text-is('Status')) td")).ToHaveTextAsync("READY");
        await Expect(page.Locator("tr:has(th:text-is('Source')) td")).ToHaveTextAsync($"runs:/{runId}/model");

        // The script sees the same version over the API, with its run, and downloads the registry's copy.
        var version = (await api.GetAsync($"model-versions/get?name={modelName}&version=1"))["model_version"]!;
        Assert.Equal((runId, "READY"), ((string?)version["run_id"], (string?)version["status"]));
        var download = (string)(await api.GetAsync($"model-versions/get-download-uri?name={modelName}&version=1"))["artifact_uri"]!;
        Assert.StartsWith(ModelFileStore.RegistryUriPrefix, download);
        foreach (var (file, bytes) in files)
            Assert.Equal(bytes, await api.GetFileAsync(download, file));

        // And the lineage back to the run.
        await page.Locator("tr:has(th:text-is('Source run'))").Link(runId).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/experiments/{experimentId}/runs/{runId}$"));
        await Expect(page.Heading("lgbm-api")).ToBeVisibleAsync();
    }
}
