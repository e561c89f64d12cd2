using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using RegistryPortal.Components.Shared;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Storage;
using static Microsoft.Playwright.Assertions;

namespace RegistryPortal.E2E;

/// <summary>
/// MLflow 3's logged models end to end: a training script logs a model the way MLflow 3's <c>log_model</c> does
/// (logged-models create, runs/outputs, a metric with its model_id, the files, finalize READY), then a person finds
/// it on the run page, looks at its page, registers it from the run page, follows the version back to the logged
/// model, and the script downloads the registered copy byte for byte.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class LoggedModelJourney(PortalFixture portal) : JourneyTest(portal)
{
    private const string MlModel = "artifact_path: null\nflavors:\n  python_function:\n    loader_module: mlflow.sklearn\nmodel_id: {0}\n";

    [Fact]
    public async Task A_logged_model_shows_on_its_run_and_its_own_page_and_registers_from_the_run_page_with_a_link_back()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var scientist = await Portal.CreateUserAsync(Roles.Editor);
        using var api = new MlflowApiClient(Portal.BaseUrl, scientist);

        // What mlflow.start_run and MLflow 3's mlflow.sklearn.log_model(name=...) send.
        var experimentName = $"logged-model-journey-{id}";
        var experimentId = (string)(await api.PostAsync("experiments/create", new { name = experimentName }))["experiment_id"]!;
        var runName = $"sk-run-{id}";
        var runId = (string)(await api.PostAsync("runs/create", new { experiment_id = experimentId, run_name = runName, start_time = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }))["run"]!["info"]!["run_id"]!;
        var modelName = $"forest-{id}";
        var created = (await api.PostAsync("logged-models", new
        {
            experiment_id = experimentId, name = modelName, source_run_id = runId, model_type = "sklearn",
            @params = new[] { new { key = "n_estimators", value = "200" } },
        }))["model"]!["info"]!;
        var modelId = (string)created["model_id"]!;
        Assert.Equal("LOGGED_MODEL_PENDING", (string?)created["status"]);
        var artifactUri = (string)created["artifact_uri"]!;
        Assert.Equal($"mlflow-artifacts:/{experimentId}/models/{modelId}/artifacts", artifactUri);
        await api.PostAsync("runs/outputs", new { run_id = runId, models = new[] { new { model_id = modelId, step = 0 } } });
        await api.PostAsync("runs/log-batch", new
        {
            run_id = runId,
            metrics = new[] { new { key = "accuracy", value = 0.913, timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), step = 0, model_id = modelId } },
        });
        var files = new Dictionary<string, byte[]>
        {
            ["MLmodel"] = Encoding.UTF8.GetBytes(string.Format(System.Globalization.CultureInfo.InvariantCulture, MlModel, modelId)),
            ["requirements.txt"] = "scikit-learn==1.5.2\n"u8.ToArray(),
            ["model.pkl"] = Enumerable.Range(0, 3000).Select(i => (byte)(i * 31 + 7)).ToArray(),
        };
        foreach (var (file, bytes) in files)
        {
            await api.PutFileAsync($"{experimentId}/models/{modelId}/artifacts/{file}", bytes);
        }
        var finalized = (await api.PatchAsync($"logged-models/{modelId}", new { model_id = modelId, status = "LOGGED_MODEL_READY" }))["model"]!["info"]!;
        Assert.Equal("LOGGED_MODEL_READY", (string?)finalized["status"]);

        // A person opens the run and sees the logged model: ready, with its three files.
        var page = await NewBrowserAsync();
        var runPath = $"/experiments/{experimentId}/runs/{runId}";
        var modelPath = $"/experiments/{experimentId}/models/{modelId}";
        await page.SignInAsync(scientist, runPath);
        await Expect(page.Heading(runName)).ToBeVisibleAsync();
        var loggedModels = page.GetByLabel("Logged models", new() { Exact = true });
        var row = loggedModels.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = modelName, Exact = true }) });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync(modelId);
        await Expect(row.GetByText("Ready", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(row).ToContainTextAsync($"3 files, {TrackingLinks.Size(files.Values.Sum(b => (long)b.Length))}");
        await Expect(row.Button($"Register Model {modelName}")).ToBeEnabledAsync();

        // Its own page: the param, the metric logged with its model_id, the files, not registered yet.
        await row.Link(modelName).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(modelPath) + "$"));
        await Expect(page.Heading(modelName)).ToBeVisibleAsync();
        var about = page.GetByLabel("About this logged model", new() { Exact = true });
        await Expect(Field(about, "Status")).ToHaveTextAsync("LOGGED_MODEL_READY");
        await Expect(Field(about, "Source run")).ToHaveTextAsync(runId);
        await Expect(Field(about, "Use it")).ToHaveTextAsync($"models:/{modelId}");
        await Expect(page.GetByLabel("Parameters", new() { Exact = true }).GetByRole(AriaRole.Cell)).ToHaveTextAsync(["n_estimators", "200"]);
        await Expect(page.GetByLabel("Metrics", new() { Exact = true }).GetByRole(AriaRole.Cell)).ToHaveTextAsync(["accuracy", "0.913", "0"]);
        var fileTable = page.GetByLabel("Files", new() { Exact = true });
        await Expect(fileTable.GetByRole(AriaRole.Row).Filter(new() { Has = page.Locator("code") })).ToHaveTextAsync(
            files.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => new Regex($"^{Regex.Escape(f.Key)}\\s*{Regex.Escape(TrackingLinks.Size(f.Value.Length))}$")).ToArray());
        await Expect(page.GetByText("Not registered yet", new() { Exact = false })).ToBeVisibleAsync();

        // Back on the run page, Register Model on the logged model's row, into a new registered model.
        await page.GoBackAsync();
        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(runPath) + "$"));
        await page.WaitForCircuitAsync();
        await row.Button($"Register Model {modelName}").ClickAsync();
        var dialog = page.OpenDialog();
        await Expect(dialog.GetByRole(AriaRole.Textbox, new() { Name = "Source URI" })).ToHaveValueAsync($"models:/{modelId}");
        var registeredName = $"logged-model-journey-{id}";
        await dialog.GetByText("Create New Model", new() { Exact = true }).ClickAsync();
        await dialog.GetByRole(AriaRole.Textbox, new() { Name = "New model name" }).FillAsync(registeredName);
        await Expect(dialog.Button("Register")).ToBeEnabledAsync();
        await dialog.Button("Register").ClickAsync();

        // The version page: READY, from the run, with a link to the logged model.
        await Expect(page).ToHaveURLAsync(new Regex($"/models/{registeredName}/versions/1$"));
        await Expect(page.Heading("Version 1")).ToBeVisibleAsync();
        await Expect(Field(page.Locator("body"), "Status")).ToHaveTextAsync("READY");
        await Expect(Field(page.Locator("body"), "Source")).ToHaveTextAsync($"models:/{modelId}");
        await Expect(Field(page.Locator("body"), "Source run")).ToHaveTextAsync(runId);
        var loggedModelRow = Field(page.Locator("body"), "Logged model");
        await Expect(loggedModelRow).ToContainTextAsync(modelId);
        await loggedModelRow.Link(modelName).ClickAsync();

        // ... back to the logged model, which now lists the version registered from it.
        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(modelPath) + "$"));
        await Expect(page.Heading(modelName)).ToBeVisibleAsync();
        var registered = page.GetByLabel("Registered versions", new() { Exact = true });
        await Expect(registered.Link("Version 1")).ToBeVisibleAsync();
        await Expect(registered.Link(registeredName)).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Tags", new() { Exact = true })).ToContainTextAsync(LoggedModelTag);

        // The script sees the version with its logged model and run, and downloads the registry's copy: the same bytes.
        var version = (await api.GetAsync($"model-versions/get?name={registeredName}&version=1"))["model_version"]!;
        Assert.Equal(("READY", runId, modelId), ((string?)version["status"], (string?)version["run_id"], (string?)version["model_id"]));
        var download = (string)(await api.GetAsync($"model-versions/get-download-uri?name={registeredName}&version=1"))["artifact_uri"]!;
        Assert.StartsWith(ModelFileStore.RegistryUriPrefix, download);
        foreach (var (file, bytes) in files)
            Assert.Equal(bytes, await api.GetFileAsync(download, file));
    }

    /// <summary>The tag MLflow's server keeps on a logged model listing the versions registered from it.</summary>
    private const string LoggedModelTag = "mlflow.modelVersions";

    /// <summary>The value cell of a "name | value" row (th then td) of a details table.</summary>
    private static ILocator Field(ILocator table, string name) => table.Locator($"tr:has(> th:text-is('{name}')) > td");
}
