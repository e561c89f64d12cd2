using Bunit;
using RegistryPortal.Components.Pages.Experiments;
using RegistryPortal.Domain;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Components.Pages.Experiments;

/// <summary>An experiment's runs: params and latest metrics as columns, sorted by a click, searched with the runs filter.</summary>
public class ExperimentPageTests : PageTestContext
{
    private Actor editor = default!;
    private int experimentId;

    /// <summary>alpha (auc ends 0.80, lr 0.1), beta (auc ends 0.92, lr 0.01, model xgb), gamma (no auc, loss 0.3), oldest first.</summary>
    private async Task ThreeRunsAsync()
    {
        editor = await Registry.UserAsync(Roles.Editor);
        experimentId = await Registry.ExperimentAsync(editor, "fraud");
        await Registry.RunAsync(editor, experimentId, "alpha", 1000, new() { ["lr"] = "0.1" }, new() { ["auc"] = [0.95, 0.80] });
        await Registry.RunAsync(editor, experimentId, "beta", 2000, new() { ["lr"] = "0.01", ["model"] = "xgb" }, new() { ["auc"] = [0.85, 0.92] });
        await Registry.RunAsync(editor, experimentId, "gamma", 3000, new() { ["lr"] = "0.1" }, new() { ["loss"] = [0.3] });
        SignIn(await Registry.UserAsync(Roles.Reader));
    }

    private IRenderedComponent<ExperimentPage> Render()
    {
        var page = RenderPage<ExperimentPage>(p => p.Add(x => x.Id, experimentId));
        page.WaitForAssertion(() => Assert.Equal(3, RunNames(page).Count));
        return page;
    }

    private static List<string> RunNames(IRenderedComponent<ExperimentPage> page) =>
        page.FindAll("table[aria-label='Runs'] tbody tr td:first-child a, [aria-label='Runs'] tbody tr td:first-child a").Select(a => a.TextContent.Trim()).Distinct().ToList();

    private static List<string> Row(IRenderedComponent<ExperimentPage> page, string run) =>
        page.FindAll("tbody tr").Single(r => r.QuerySelector("td a")?.TextContent.Trim() == run)
            .QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList();

    [Fact]
    public async Task Params_and_the_latest_metrics_are_columns_newest_run_first()
    {
        await ThreeRunsAsync();

        var page = Render();

        Assert.Equal(["gamma", "beta", "alpha"], RunNames(page));
        Assert.Equal(["params.lr", "params.model", "metrics.auc", "metrics.loss"], page.FindAll("th[data-column]").Select(th => th.GetAttribute("data-column")));
        Assert.Contains("Parameters", page.Find("thead").TextContent);
        Assert.Contains("Metrics", page.Find("thead").TextContent);
        // Name, created, duration, status, then lr, model, auc (latest, not the first value), loss; — where a run has none.
        Assert.Equal(["0.01", "xgb", "0.92", "—"], Row(page, "beta")[4..]);
        Assert.Equal(["0.1", "—", "0.8", "—"], Row(page, "alpha")[4..]);
        Assert.Equal(["0.1", "—", "—", "0.3"], Row(page, "gamma")[4..]);
        Assert.Equal($"experiments/{experimentId}/runs/", page.FindAll("tbody tr td a")[0].GetAttribute("href")![..^32]);
        Assert.Contains("RUNNING", Row(page, "beta")[3]);
    }

    [Fact]
    public async Task Clicking_a_metric_column_sorts_by_it_ascending_then_descending_runs_without_it_last()
    {
        await ThreeRunsAsync();
        var page = Render();

        page.Find("th[data-column='metrics.auc'] .mud-table-sort-label").Click();
        page.WaitForAssertion(() => Assert.Equal(["alpha", "beta", "gamma"], RunNames(page)));

        page.Find("th[data-column='metrics.auc'] .mud-table-sort-label").Click();
        page.WaitForAssertion(() => Assert.Equal(["beta", "alpha", "gamma"], RunNames(page)));

        page.Find("th[data-column='params.lr'] .mud-table-sort-label").Click();
        page.WaitForAssertion(() => Assert.Equal(["beta", "gamma", "alpha"], RunNames(page)));
    }

    [Fact]
    public async Task A_filter_narrows_the_runs_and_a_mistake_shows_under_the_search_box()
    {
        await ThreeRunsAsync();
        var page = Render();

        page.Find("input[aria-label='Search runs']").Change("metrics.auc > 0.9 AND params.lr = '0.01'");
        page.WaitForAssertion(() => Assert.Equal(["beta"], RunNames(page)));

        page.Find("input[aria-label='Search runs']").Change("metrics.auc > 'high'");
        page.WaitForAssertion(() => Assert.Contains("Invalid filter at position 15: metrics.auc holds numbers: write the number without quotes", page.Markup));
        Assert.Equal(["beta"], RunNames(page)); // the last good filter still shows

        page.Find("input[aria-label='Search runs']").Change("params.lr = '7'");
        page.WaitForAssertion(() => Assert.Contains("No run matches this filter.", page.Markup));
        Assert.DoesNotContain("Invalid filter", page.Markup);
    }

    [Fact]
    public async Task An_experiment_without_runs_says_how_to_log_some()
    {
        editor = await Registry.UserAsync(Roles.Editor);
        experimentId = await Registry.ExperimentAsync(editor, "empty");
        SignIn(editor);

        var page = RenderPage<ExperimentPage>(p => p.Add(x => x.Id, experimentId));

        page.WaitForAssertion(() => Assert.Contains("No runs yet", page.Markup));
        Assert.Empty(page.FindAll("th[data-column]"));
    }

    [Fact]
    public async Task A_missing_experiment_says_so()
    {
        SignIn(await Registry.UserAsync(Roles.Reader));

        var page = RenderPage<ExperimentPage>(p => p.Add(x => x.Id, 4242));

        page.WaitForAssertion(() => Assert.Contains("No Experiment with id=4242 exists", page.Markup));
    }
}
