using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Components.Pages.Experiments;
using RegistryPortal.Components.Pages.Models;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using RegistryPortal.Storage;
using RegistryPortal.Tests.TestSupport;
using RegistryPortal.Tracking;

namespace RegistryPortal.Tests.Components.Pages.Experiments;

/// <summary>
/// MLflow 3 logged models in the browser: the run page lists them with Register Model on each ready one, a logged
/// model has its own page, and a version registered from one links back to it.
/// </summary>
public class LoggedModelPageTests : PageTestContext
{
    private Actor editor = default!;
    private int experimentId;
    private string runId = "";
    private string readyId = "", pendingId = "";

    private LoggedModelService LoggedModels => Registry.Services.GetRequiredService<LoggedModelService>();

    /// <summary>A run with two logged models: "classifier" (READY, 2 files, a param, a metric) and "draft" (still uploading).</summary>
    private async Task RunWithLoggedModelsAsync()
    {
        editor = await Registry.UserAsync(Roles.Editor);
        experimentId = await Registry.ExperimentAsync(editor, "iris");
        runId = await Registry.RunAsync(editor, experimentId, "train-rf", 1_700_000_000_000);
        var ready = await LoggedModels.CreateAsync(editor, new NewLoggedModel(experimentId, "classifier", runId,
            Params: new Dictionary<string, string> { ["n_estimators"] = "10" }, Tags: new Dictionary<string, string> { ["team"] = "risk" }));
        readyId = ready.Info.Id;
        await LoggedModels.LogOutputsAsync(editor, runId, [new ModelOutput(readyId, 0)]);
        await Registry.Runs().LogBatchAsync(editor, runId, [new MetricValue("accuracy", 0.97, 1_700_000_001_000, 0, readyId)]);
        var store = Registry.Services.GetRequiredService<ArtifactStore>();
        var root = ArtifactStore.PathOf(ready.Info.ArtifactUri)!;
        await store.SaveAsync($"{root}/MLmodel", new MemoryStream("flavors:\n  sklearn: {}\n"u8.ToArray()), default);
        await store.SaveAsync($"{root}/model.pkl", new MemoryStream(new byte[2048]), default);
        await LoggedModels.FinalizeAsync(editor, readyId, LoggedModelStatuses.Ready);
        pendingId = (await LoggedModels.CreateAsync(editor, new NewLoggedModel(experimentId, "draft", runId))).Info.Id;
    }

    private IRenderedComponent<RunPage> RenderRun()
    {
        var page = RenderPage<RunPage>(p => p.Add(x => x.ExperimentId, experimentId).Add(x => x.RunId, runId));
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[aria-label='Logged models'] tbody tr").Count));
        return page;
    }

    private static AngleSharp.Dom.IElement Row(IRenderedComponent<RunPage> page, string modelId) =>
        page.Find($"[aria-label='Logged models'] tr[data-model-id='{modelId}']");

    private static List<string> Rows<T>(IRenderedComponent<T> page, string table) where T : IComponent =>
        page.FindAll($"[aria-label='{table}'] tbody tr")
            .Select(r => string.Join(" | ", r.QuerySelectorAll("td").Select(td => td.TextContent.Trim()))).ToList();

    [Fact]
    public async Task The_run_page_lists_its_logged_models_with_status_and_files_and_Register_Model_on_the_ready_one()
    {
        await RunWithLoggedModelsAsync();
        SignIn(editor);

        var page = RenderRun();

        var ready = Row(page, readyId);
        Assert.Contains("classifier", ready.TextContent);
        Assert.Equal(LoggedModelStatuses.Ready, ready.QuerySelector("[data-status]")!.GetAttribute("data-status"));
        Assert.Contains("2 files, 2 KB", ready.TextContent);
        Assert.Equal(TrackingLinksFor(readyId), ready.QuerySelector("a")!.GetAttribute("href"));
        Assert.NotNull(ready.QuerySelector("button[aria-label='Register Model classifier']"));
        var pending = Row(page, pendingId);
        Assert.Contains("Uploading", pending.TextContent);
        Assert.Contains("Its files are still uploading.", pending.TextContent);
        Assert.Null(pending.QuerySelector("button"));
    }

    [Fact]
    public async Task A_reader_sees_the_logged_models_but_no_Register_Model()
    {
        await RunWithLoggedModelsAsync();
        SignIn(await Registry.UserAsync(Roles.Reader));

        var page = RenderRun();

        Assert.Empty(page.FindAll("[aria-label='Logged models'] button"));
        Assert.Contains("Registering a logged model takes the Editor role or higher.", page.Markup);
    }

    [Fact]
    public async Task Register_Model_on_a_logged_model_registers_it_from_models_m_and_opens_the_version()
    {
        await RunWithLoggedModelsAsync();
        SignIn(editor);
        var page = RenderRun();

        Row(page, readyId).QuerySelector("button[aria-label='Register Model classifier']")!.Click();
        Dialogs.WaitForAssertion(() => Assert.Equal($"models:/{readyId}", Dialogs.Find("input[placeholder^='runs:/']").GetAttribute("value")));
        Dialogs.FindAll("input[type='radio']").Single(r => r.ParentElement!.ParentElement!.TextContent.Contains("Create New Model")).Click();
        Dialogs.WaitForElement("input[type='text']:not([placeholder])").Input("iris-classifier");
        Dialogs.WaitForAssertion(() => Assert.True(Dialogs.Button("Register")!.IsEnabled()));
        Dialogs.Button("Register")!.Click();

        var navigation = Services.GetRequiredService<NavigationManager>();
        page.WaitForAssertion(() => Assert.EndsWith("/models/iris-classifier/versions/1", navigation.Uri));
        var version = await Registry.Versions.GetAsync(editor, "iris-classifier", 1);
        Assert.Equal((VersionStatus.Ready, $"models:/{readyId}", runId, readyId), (version.Status, version.Source, version.RunId, version.LoggedModelId));
        Assert.StartsWith(ModelFileStore.RegistryUriPrefix, version.DownloadUri); // the registry's own copy
    }

    [Fact]
    public async Task The_logged_model_page_shows_its_params_metrics_tags_files_and_the_versions_registered_from_it()
    {
        await RunWithLoggedModelsAsync();
        await Registry.Models.CreateAsync(editor, "iris-classifier");
        await Registry.Services.GetRequiredService<ModelRegistration>().RegisterAsync(editor, new NewVersion("iris-classifier", $"models:/{readyId}"));
        SignIn(editor);

        var page = RenderPage<LoggedModelPage>(p => p.Add(x => x.ExperimentId, experimentId).Add(x => x.ModelId, readyId));

        page.WaitForAssertion(() => Assert.Equal("classifier", page.Find("h4").TextContent.Trim()));
        var about = page.Find("[aria-label='About this logged model']").TextContent;
        Assert.Contains(readyId, about);
        Assert.Contains(runId, about);
        Assert.Contains($"models:/{readyId}", about);
        Assert.Equal(["n_estimators | 10"], Rows(page, "Parameters"));
        Assert.Equal(["accuracy | 0.97 | 0"], Rows(page, "Metrics"));
        Assert.Contains("team | risk", Rows(page, "Tags"));
        Assert.Contains("""mlflow.modelVersions | [{"name":"iris-classifier","version":1}]""", Rows(page, "Tags"));
        Assert.Equal(["MLmodel | 23 B", "model.pkl | 2 KB"], Rows(page, "Files"));
        var registered = page.Find("[aria-label='Registered versions'] tbody tr");
        Assert.Contains("Version 1", registered.TextContent);
        Assert.Equal("models/iris-classifier/versions/1", registered.QuerySelectorAll("a")[1].GetAttribute("href"));
        Assert.NotNull(page.Button("Register Model"));
        Assert.Equal(["Experiments", "iris", "train-rf", "classifier"], page.FindAll(".mud-breadcrumb-item").Select(b => b.TextContent.Trim()));
    }

    [Fact]
    public async Task A_reader_gets_no_Register_Model_on_the_logged_model_page()
    {
        await RunWithLoggedModelsAsync();
        SignIn(await Registry.UserAsync(Roles.Reader));

        var page = RenderPage<LoggedModelPage>(p => p.Add(x => x.ModelId, readyId));

        page.WaitForAssertion(() => Assert.Equal("classifier", page.Find("h4").TextContent.Trim()));
        Assert.Null(page.Button("Register Model"));
        Assert.Contains("Not registered yet.", page.Markup);
    }

    [Fact]
    public async Task A_logged_model_still_uploading_offers_no_Register_Model_to_an_editor()
    {
        await RunWithLoggedModelsAsync();
        SignIn(editor);

        var page = RenderPage<LoggedModelPage>(p => p.Add(x => x.ModelId, pendingId));

        page.WaitForAssertion(() => Assert.Equal("draft", page.Find("h4").TextContent.Trim()));
        Assert.Null(page.Button("Register Model"));
        Assert.Contains("No files uploaded.", page.Markup);
    }

    [Fact]
    public async Task A_version_registered_from_a_logged_model_links_to_its_page()
    {
        await RunWithLoggedModelsAsync();
        await Registry.Models.CreateAsync(editor, "iris-classifier");
        await Registry.Services.GetRequiredService<ModelRegistration>().RegisterAsync(editor, new NewVersion("iris-classifier", $"models:/{readyId}"));
        SignIn(await Registry.UserAsync(Roles.Reader));

        var page = RenderPage<VersionPage>(p => p.Add(x => x.Name, "iris-classifier").Add(x => x.Number, 1));

        page.WaitForAssertion(() => Assert.Contains(readyId, page.Markup));
        var row = page.FindAll("tr").Single(r => r.QuerySelector("th")?.TextContent == "Logged model");
        Assert.Equal(TrackingLinksFor(readyId), row.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("classifier", row.QuerySelector("a")!.TextContent.Trim());
    }

    [Fact]
    public async Task A_deleted_or_unknown_logged_model_says_so()
    {
        await RunWithLoggedModelsAsync();
        await LoggedModels.DeleteAsync(editor, pendingId);
        SignIn(editor);

        var page = RenderPage<LoggedModelPage>(p => p.Add(x => x.ModelId, pendingId));

        page.WaitForAssertion(() => Assert.Contains($"Logged model with ID '{pendingId}' not found.", page.Markup));
        Assert.Contains("Back to the experiments", page.Markup);
    }

    [Fact]
    public async Task A_deleted_logged_model_leaves_the_run_page()
    {
        await RunWithLoggedModelsAsync();
        await LoggedModels.DeleteAsync(editor, pendingId);
        SignIn(editor);

        var page = RenderPage<RunPage>(p => p.Add(x => x.ExperimentId, experimentId).Add(x => x.RunId, runId));

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[aria-label='Logged models'] tbody tr")));
        Assert.NotNull(Row(page, readyId));
    }

    private string TrackingLinksFor(string modelId) => $"experiments/{experimentId}/models/{modelId}";
}
