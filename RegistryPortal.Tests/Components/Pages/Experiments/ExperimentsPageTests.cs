using Bunit;
using RegistryPortal.Components.Pages.Experiments;
using RegistryPortal.Domain;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Components.Pages.Experiments;

public class ExperimentsPageTests : PageTestContext
{
    [Fact]
    public async Task Each_experiment_shows_with_its_id_creation_and_run_count_newest_first()
    {
        var editor = await Registry.UserAsync(Roles.Editor);
        var fraud = await Registry.ExperimentAsync(editor, "fraud-detection");
        var churn = await Registry.ExperimentAsync(editor, "churn");
        await Registry.RunAsync(editor, fraud, "a", 1000);
        await Registry.RunAsync(editor, fraud, "b", 2000);
        SignIn(await Registry.UserAsync(Roles.Reader));

        var page = RenderPage<ExperimentsPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tbody tr").Count));
        var rows = page.FindAll("tbody tr").Select(r => r.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList()).ToList();
        Assert.Equal(["churn", churn.ToString(), "just now", "0"], rows[0]);
        Assert.Equal(["fraud-detection", fraud.ToString(), "just now", "2"], rows[1]);
        Assert.Equal($"experiments/{fraud}", page.FindAll("tbody tr")[1].QuerySelector("a")!.GetAttribute("href"));
    }

    [Fact]
    public async Task Without_experiments_the_page_says_how_they_appear()
    {
        SignIn(await Registry.UserAsync(Roles.Reader));

        var page = RenderPage<ExperimentsPage>();

        page.WaitForAssertion(() => Assert.Contains("No experiments yet", page.Markup));
        Assert.Contains("MLFLOW_TRACKING_URI", page.Markup);
    }

    [Fact]
    public async Task Typing_a_name_finds_experiments_ignoring_case_and_says_when_none_matches()
    {
        var editor = await Registry.UserAsync(Roles.Editor);
        await Registry.ExperimentAsync(editor, "fraud-detection");
        await Registry.ExperimentAsync(editor, "churn");
        SignIn(editor);
        var page = RenderPage<ExperimentsPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tbody tr a").Count));

        page.Find("input[aria-label='Search experiments']").Input("FRAUD");
        page.WaitForAssertion(() => Assert.Equal(["fraud-detection"], page.FindAll("tbody tr a").Select(a => a.TextContent)), TimeSpan.FromSeconds(3));

        page.Find("input[aria-label='Search experiments']").Input("nothing");
        page.WaitForAssertion(() => Assert.Contains("No experiment's name contains \"nothing\"", page.Markup), TimeSpan.FromSeconds(3));
    }
}
