using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Storage;
using RegistryPortal.Storage.FileSystem;
using RegistryPortal.Tracking;
using static Microsoft.Playwright.Assertions;

namespace RegistryPortal.E2E;

/// <summary>The lineage journey: from a logged run to a registered version and back.</summary>
[Collection(PortalCollection.Name)]
public sealed class TrackingJourneys(PortalFixture portal) : JourneyTest(portal)
{
    private const string MlModel = "artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.sklearn\n  sklearn:\n    sklearn_version: 1.5.0\n";

    [Fact]
    public async Task A_run_s_model_folder_is_registered_from_its_run_page_and_the_version_links_back_to_the_run()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var editor = await Portal.CreateUserAsync(Roles.Editor);
        var experiment = await Portal.Service<ExperimentService>().CreateAsync(editor.Actor, $"tracking-journey-{id}");
        var runs = Portal.Service<RunService>();
        var run = await runs.CreateAsync(editor.Actor, experiment.Id, "xgb-baseline");
        var runId = run.Info.Id;
        var start = run.Info.StartTime;
        await runs.LogBatchAsync(editor.Actor, runId,
            [new("auc", 0.71, start + 1, 0), new("auc", 0.84, start + 2, 1), new("auc", 0.91, start + 3, 2), new("loss", 0.35, start + 3, 2)],
            new Dictionary<string, string> { ["lr"] = "0.1", ["max_depth"] = "6" });
        await runs.UpdateAsync(editor.Actor, runId, status: "FINISHED", endTime: start + 60_000);
        var store = Portal.Service<ArtifactStore>();
        var root = ArtifactStore.PathOf(run.Info.ArtifactUri)!;
        await store.SaveAsync($"{root}/model/MLmodel", new MemoryStream(Encoding.UTF8.GetBytes(MlModel)), default);
        await store.SaveAsync($"{root}/model/requirements.txt", new MemoryStream("scikit-learn==1.5.0\n"u8.ToArray()), default);
        await store.SaveAsync($"{root}/model/model.pkl", new MemoryStream(Enumerable.Range(0, 4096).Select(i => (byte)i).ToArray()), default);
        // The weights are a named pipe: copying the model waits on it until the test writes them, so the version is
        // seen PENDING on its page for as long as the test wants, then READY without a reload.
        var weights = await NamedPipeAsync(Portal.Service<FileSystemArtifactStore>().LocalPath($"{root}/model/data/weights.bin"));
        var modelName = $"tracking-journey-{id}";
        var page = await NewBrowserAsync();
        await page.SignInAsync(editor);

        // From the app bar to the experiment, found by name, to its run.
        await page.GetByRole(AriaRole.Link, new() { Name = "Experiments", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/experiments$"));
        await page.GetByLabel("Search experiments").FillAsync(experiment.Name);
        var experimentsTable = page.GetByLabel("Experiments", new() { Exact = true });
        await Expect(experimentsTable.GetByRole(AriaRole.Link)).ToHaveTextAsync([experiment.Name]);
        await experimentsTable.Link(experiment.Name).ClickAsync();
        await Expect(page.Heading(experiment.Name)).ToBeVisibleAsync();
        var runsTable = page.GetByLabel("Runs", new() { Exact = true });
        await Expect(runsTable.GetByRole(AriaRole.Row).Filter(new() { HasText = "xgb-baseline" })).ToContainTextAsync("0.91");
        await page.GetByLabel("Search runs").FillAsync("metrics.auc > 0.95");
        await page.GetByLabel("Search runs").PressAsync("Enter");
        await Expect(runsTable).ToContainTextAsync("No run matches this filter.");
        await page.GetByLabel("Search runs").FillAsync("metrics.auc > 0.9 AND params.max_depth = '6'");
        await page.GetByLabel("Search runs").PressAsync("Enter");
        await runsTable.Link("xgb-baseline").ClickAsync();

        // The run page: params, metrics with their history, and the artifacts.
        await Expect(page).ToHaveURLAsync(new Regex($"/experiments/{experiment.Id}/runs/{runId}$"));
        await Expect(page.Heading("xgb-baseline")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Parameters", new() { Exact = true }).GetByRole(AriaRole.Cell)).ToHaveTextAsync(["lr", "0.1", "max_depth", "6"]);
        await Expect(page.GetByLabel("Metrics", new() { Exact = true }).GetByRole(AriaRole.Cell)).ToHaveTextAsync(["auc", "0.91", "2", "loss", "0.35", "2"]);
        await Expect(page.GetByLabel("History of auc").Locator("path.mud-chart-line")).ToHaveCountAsync(1);
        var tree = page.GetByLabel("Artifact files");
        await tree.GetByText("MLmodel", new() { Exact = true }).ClickAsync();
        await Expect(page.GetByLabel("Preview")).ToHaveTextAsync(MlModel);
        await Expect(page.Button("Register Model")).ToHaveCountAsync(0);
        await tree.GetByText("model", new() { Exact = true }).ClickAsync();
        await page.Button("Register Model").ClickAsync();

        // The registry's own dialog, with this run's folder as the source.
        var dialog = page.OpenDialog();
        await Expect(dialog.GetByRole(AriaRole.Textbox, new() { Name = "Source URI" })).ToHaveValueAsync($"runs:/{runId}/model");
        await dialog.GetByText("Create New Model", new() { Exact = true }).ClickAsync();
        await dialog.GetByRole(AriaRole.Textbox, new() { Name = "New model name" }).FillAsync(modelName);
        await dialog.Button("Register").ClickAsync();

        // The new version: pending while the files are copied, READY once they are (the page refreshes by itself).
        await Expect(page).ToHaveURLAsync(new Regex($"/models/{modelName}/versions/1$"));
        await Expect(page.Heading("Version 1")).ToBeVisibleAsync();
        await Expect(page.Message($"Registered version 1 of '{modelName}'.")).ToBeVisibleAsync();
        var status = page.Locator("tr:has(th:text-is('Status')) td");
        await Expect(status).ToHaveTextAsync("PENDING_REGISTRATION");
        await Expect(page.GetByText("Registration pending: the model files are still being copied.")).ToBeVisibleAsync();
        await WriteAndCloseAsync(weights, new byte[1024]);
        await Expect(status).ToHaveTextAsync("READY");
        await Expect(page.GetByText("Registration pending")).ToHaveCountAsync(0);
        await Expect(page.ActivityItems(nameof(ActivityKind.RegistrationCompleted))).ToHaveCountAsync(1);
        await Expect(page.Locator("tr:has(th:text-is('Source')) td")).ToHaveTextAsync($"runs:/{runId}/model");
        var version = await Portal.Service<VersionService>().GetAsync(editor.Actor, modelName, 1);
        Assert.Equal(runId, version.RunId);
        var copy = Portal.Service<FileSystemArtifactStore>().LocalPath(ArtifactStore.PathOf(version.DownloadUri)!);
        Assert.StartsWith(Path.Combine(Portal.ArtifactsFolder, "registry"), copy); // the registry's own copy, not the run's folder
        Assert.Equal(MlModel, await File.ReadAllTextAsync(Path.Combine(copy, "MLmodel")));
        Assert.Equal(4096, new FileInfo(Path.Combine(copy, "model.pkl")).Length);
        Assert.Equal(1024, new FileInfo(Path.Combine(copy, "data", "weights.bin")).Length);

        // And back to the run it came from.
        await page.Locator("tr:has(th:text-is('Source run'))").Link(runId).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/experiments/{experiment.Id}/runs/{runId}$"));
        await Expect(page.Heading("xgb-baseline")).ToBeVisibleAsync();
    }

    /// <summary>Makes a named pipe (mkfifo): whoever opens it to read waits until someone writes to it and closes it.</summary>
    private static async Task<string> NamedPipeAsync(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path]);
        await mkfifo.WaitForExitAsync();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    /// <summary>Feeds the named pipe's reader (the registration's copy) and lets it finish.</summary>
    private static async Task WriteAndCloseAsync(string pipe, byte[] content)
    {
        // Opening a pipe to write waits for its reader; bounded, so a copy that never started fails the test instead of hanging it.
        await Task.Run(() =>
        {
            using var writer = new FileStream(pipe, FileMode.Open, FileAccess.Write);
            writer.Write(content);
        }).WaitAsync(TimeSpan.FromSeconds(30));
    }
}
