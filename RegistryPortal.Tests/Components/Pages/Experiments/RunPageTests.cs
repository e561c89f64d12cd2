using IElement = AngleSharp.Dom.IElement;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Components.Pages.Experiments;
using RegistryPortal.Domain;
using RegistryPortal.Security;
using RegistryPortal.Storage;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Components.Pages.Experiments;

/// <summary>A run's page: info, params, metrics with their history, tags, and its artifacts with previews and Register Model.</summary>
public class RunPageTests : PageTestContext
{
    private Actor editor = default!;
    private int experimentId;
    private string runId = "";

    private async Task RunWithModelAsync()
    {
        editor = await Registry.UserAsync(Roles.Editor);
        experimentId = await Registry.ExperimentAsync(editor, "fraud");
        runId = await Registry.RunAsync(editor, experimentId, "baseline", 1_700_000_000_000,
            new() { ["lr"] = "0.1", ["max_depth"] = "6" }, new() { ["auc"] = [0.71, 0.83, 0.9], ["loss"] = [0.5] }, new() { ["team"] = "risk" });
        await Registry.Runs().UpdateAsync(editor, runId, status: "FINISHED", endTime: 1_700_000_090_000);
        await Registry.SaveArtifactAsync(editor, runId, "model/MLmodel", "artifact_path: model\nflavors:\n  sklearn: {}\n"u8.ToArray());
        await Registry.SaveArtifactAsync(editor, runId, "model/requirements.txt", "scikit-learn==1.5.0\n"u8.ToArray());
        await Registry.SaveArtifactAsync(editor, runId, "model/model.pkl", [0x80, 0x04, 0x00]);
        await Registry.SaveArtifactAsync(editor, runId, "plots/roc.json", "{\"points\": []}"u8.ToArray());
    }

    private IRenderedComponent<RunPage> Render()
    {
        var page = RenderPage<RunPage>(p => p.Add(x => x.ExperimentId, experimentId).Add(x => x.RunId, runId));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[aria-label='Artifact files'] li")));
        return page;
    }

    private static void Select(IRenderedComponent<RunPage> page, string path) =>
        page.Find($"li[data-path='{path}'] > .mud-treeview-item-content").Click();

    private static IElement Selected(IRenderedComponent<RunPage> page) => page.Find("section[aria-label='Selected artifact']");

    private static List<string> Rows(IRenderedComponent<RunPage> page, string table) =>
        page.FindAll($"table[aria-label='{table}'] tbody tr, [aria-label='{table}'] table tbody tr")
            .Select(r => string.Join(" | ", r.QuerySelectorAll("td").Select(td => td.TextContent.Trim()))).Distinct().ToList();

    [Fact]
    public async Task The_run_shows_its_info_params_latest_metrics_a_chart_of_each_history_and_tags()
    {
        await RunWithModelAsync();
        SignIn(await Registry.UserAsync(Roles.Reader));

        var page = Render();

        Assert.Equal("baseline", page.Find("h4").TextContent.Trim());
        var about = page.Find("[aria-label='About this run']").TextContent;
        Assert.Contains(runId, about);
        Assert.Contains("FINISHED", about);
        Assert.Contains("1 min 30 s", about);
        Assert.Contains($"mlflow-artifacts:/{experimentId}/{runId}/artifacts", about);
        Assert.Contains("User 1", about); // the editor who started it, by name
        Assert.Equal(["lr | 0.1", "max_depth | 6"], Rows(page, "Parameters"));
        Assert.Equal(["auc | 0.9 | 2", "loss | 0.5 | 0"], Rows(page, "Metrics"));
        Assert.Equal(["team | risk"], Rows(page, "Tags"));
        var auc = page.Find("[aria-label='History of auc']");
        Assert.Equal("3", auc.GetAttribute("data-points"));
        // The chart's line goes through the three logged values, one per step.
        Assert.Equal(3, auc.QuerySelector("svg path.mud-chart-line")!.GetAttribute("d")!.Count(c => c is 'M' or 'L'));
        Assert.Equal(["0", "1", "2"], auc.QuerySelectorAll("g.mud-charts-xaxis text").Select(t => t.TextContent));
        Assert.Equal("1", page.Find("[aria-label='History of loss']").GetAttribute("data-points"));
        Assert.Equal(["Experiments", "fraud", "baseline"], page.FindAll(".mud-breadcrumb-item").Select(b => b.TextContent.Trim()));
    }

    [Fact]
    public async Task The_artifact_tree_lists_folders_and_files_and_a_text_file_is_previewed()
    {
        await RunWithModelAsync();
        SignIn(await Registry.UserAsync(Roles.Reader));
        var page = Render();

        Assert.Equal(["model", "model/MLmodel", "model/model.pkl", "model/requirements.txt", "plots", "plots/roc.json"],
            page.FindAll("li[data-path]").Select(li => li.GetAttribute("data-path")));

        Select(page, "model/MLmodel");
        page.WaitForAssertion(() => Assert.Equal("artifact_path: model\nflavors:\n  sklearn: {}\n", page.Find("pre[aria-label='Preview']").TextContent));

        Select(page, "model/requirements.txt");
        page.WaitForAssertion(() => Assert.Equal("scikit-learn==1.5.0\n", page.Find("pre[aria-label='Preview']").TextContent));

        Select(page, "model/model.pkl");
        page.WaitForAssertion(() => Assert.Contains("There is no preview for this type of file.", Selected(page).TextContent));
        Assert.Empty(page.FindAll("pre[aria-label='Preview']"));
    }

    [Fact]
    public async Task Register_Model_shows_on_a_model_folder_only()
    {
        await RunWithModelAsync();
        SignIn(editor);
        var page = Render();
        Assert.Null(page.Button("Register Model"));

        Select(page, "model");
        page.WaitForAssertion(() => Assert.NotNull(page.Button("Register Model")));
        Assert.Contains($"runs:/{runId}/model", Selected(page).TextContent);

        Select(page, "plots");
        page.WaitForAssertion(() => Assert.Null(page.Button("Register Model")));
        Select(page, "model/MLmodel");
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("pre[aria-label='Preview']")));
        Assert.Null(page.Button("Register Model"));
    }

    [Fact]
    public async Task A_reader_sees_the_model_folder_but_no_Register_Model()
    {
        await RunWithModelAsync();
        SignIn(await Registry.UserAsync(Roles.Reader));
        var page = Render();

        Select(page, "model");

        page.WaitForAssertion(() => Assert.Contains("Registering it takes the Editor role or higher.", Selected(page).TextContent));
        Assert.Null(page.Button("Register Model"));
    }

    [Fact]
    public async Task Register_Model_opens_the_register_dialog_with_the_folder_and_copies_the_files_into_the_registry()
    {
        await RunWithModelAsync();
        SignIn(editor);
        var page = Render();
        Select(page, "model");
        page.WaitForAssertion(() => Assert.NotNull(page.Button("Register Model")));

        page.Button("Register Model")!.Click();
        Dialogs.WaitForAssertion(() => Assert.Equal($"runs:/{runId}/model", Dialogs.Find("input[placeholder^='runs:/']").GetAttribute("value")));
        Dialogs.FindAll("input[type='radio']").Single(r => r.ParentElement!.ParentElement!.TextContent.Contains("Create New Model")).Click();
        Dialogs.WaitForElement("input[type='text']:not([placeholder])").Input("fraud-model");
        Dialogs.WaitForAssertion(() => Assert.True(Dialogs.Button("Register")!.IsEnabled()));
        Dialogs.Button("Register")!.Click();

        var navigation = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        page.WaitForAssertion(() => Assert.EndsWith("/models/fraud-model/versions/1", navigation.Uri));
        await Registry.Services.GetRequiredService<RegistryPortal.Tracking.ModelRegistration>().WhenIdleAsync();
        var version = await Registry.Versions.GetAsync(editor, "fraud-model", 1);
        Assert.Equal((VersionStatus.Ready, $"runs:/{runId}/model", runId), (version.Status, version.Source, version.RunId));
        Assert.StartsWith(ModelFileStore.RegistryUriPrefix, version.DownloadUri); // copied, not pointing at the run
    }

    [Fact]
    public async Task The_short_address_without_the_experiment_shows_the_same_run()
    {
        await RunWithModelAsync();
        SignIn(editor);

        var page = RenderPage<RunPage>(p => p.Add(x => x.RunId, runId));

        page.WaitForAssertion(() => Assert.Equal("baseline", page.Find("h4").TextContent.Trim()));
        Assert.Equal($"experiments/{experimentId}", page.FindAll(".mud-breadcrumb-item a")[1].GetAttribute("href"));
    }

    [Fact]
    public async Task A_missing_run_says_so()
    {
        SignIn(await Registry.UserAsync(Roles.Reader));

        var page = RenderPage<RunPage>(p => p.Add(x => x.RunId, "0123456789abcdef0123456789abcdef"));

        page.WaitForAssertion(() => Assert.Contains("Run with id=0123456789abcdef0123456789abcdef not found", page.Markup));
    }
}
