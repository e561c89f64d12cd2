using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Components.Pages.Models;
using RegistryPortal.Components.Shared;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Components.Pages.Models;

/// <summary>The registry's pages lead back to the runs their versions came from.</summary>
public class LineageTests : PageTestContext
{
    private static string SourceRunCell(IRenderedComponent<VersionPage> page) =>
        page.FindAll("tr").Single(r => r.QuerySelector("th")?.TextContent == "Source run").QuerySelector("td")!.InnerHtml;

    [Fact]
    public async Task The_version_page_links_its_source_run_to_the_run_page()
    {
        var editor = await Registry.UserAsync(Roles.Editor);
        var experiment = await Registry.ExperimentAsync(editor, "fraud");
        var runId = await Registry.RunAsync(editor, experiment, "baseline", 1000);
        await Registry.Models.CreateAsync(editor, "fraud-model");
        await Registry.Versions.RegisterAsync(editor, new NewVersion("fraud-model", "s3://bucket/model", RunId: runId));
        SignIn(await Registry.UserAsync(Roles.Reader));

        var page = RenderPage<VersionPage>(p => p.Add(x => x.Name, "fraud-model").Add(x => x.Number, 1));

        page.WaitForAssertion(() => Assert.Contains(runId, page.Markup));
        var link = page.FindAll("tr").Single(r => r.QuerySelector("th")?.TextContent == "Source run").QuerySelector("a");
        Assert.Equal((runId, $"experiments/{experiment}/runs/{runId}"), (link!.TextContent, link.GetAttribute("href")));
    }

    [Fact]
    public async Task A_run_the_portal_does_not_hold_stays_plain_text()
    {
        var editor = await Registry.UserAsync(Roles.Editor);
        await Registry.Models.CreateAsync(editor, "fraud-model");
        await Registry.Versions.RegisterAsync(editor, new NewVersion("fraud-model", "s3://bucket/model", RunId: "0123456789abcdef0123456789abcdef"));
        SignIn(editor);

        var page = RenderPage<VersionPage>(p => p.Add(x => x.Name, "fraud-model").Add(x => x.Number, 1));

        page.WaitForAssertion(() => Assert.Equal("0123456789abcdef0123456789abcdef", SourceRunCell(page)));
    }

    [Fact]
    public async Task Compare_shows_the_source_runs_params_and_latest_metrics_side_by_side()
    {
        var editor = await Registry.UserAsync(Roles.Editor);
        var experiment = await Registry.ExperimentAsync(editor, "fraud");
        var first = await Registry.RunAsync(editor, experiment, "first", 1000, new() { ["lr"] = "0.1", ["depth"] = "6" }, new() { ["auc"] = [0.7, 0.81] });
        var second = await Registry.RunAsync(editor, experiment, "second", 2000, new() { ["lr"] = "0.05" }, new() { ["auc"] = [0.93], ["loss"] = [0.2] });
        await Registry.Models.CreateAsync(editor, "fraud-model");
        await Registry.Versions.RegisterAsync(editor, new NewVersion("fraud-model", "s3://bucket/1", RunId: first));
        await Registry.Versions.RegisterAsync(editor, new NewVersion("fraud-model", "s3://bucket/2", RunId: second));
        await Registry.Versions.RegisterAsync(editor, new NewVersion("fraud-model", "s3://bucket/3")); // uploaded: no run
        SignIn(editor);

        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(navigation.GetUriWithQueryParameter("versions", "1,2,3"));
        var page = RenderPage<ComparePage>(p => p.Add(x => x.Name, "fraud-model"));

        page.WaitForAssertion(() => Assert.Contains("params.lr", page.Markup));
        string[] Row(string label) => page.FindAll("tbody tr").Single(r => r.QuerySelector("th")!.TextContent == label)
            .QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToArray();
        Assert.Equal(["6", "—", "—"], Row("params.depth"));
        Assert.Equal(["0.1", "0.05", "—"], Row("params.lr"));
        Assert.Equal(["0.81", "0.93", "—"], Row("metrics.auc"));
        Assert.Equal(["—", "0.2", "—"], Row("metrics.loss"));
        Assert.Contains("compare-differs", page.FindAll("tbody tr").Single(r => r.QuerySelector("th")!.TextContent == "metrics.auc").ClassName);
    }

    [Fact]
    public async Task Registering_from_a_run_the_portal_does_not_hold_is_refused_inside_the_dialog()
    {
        var (name, owner) = await Registry.ModelWithVersionsAsync(1);
        SignIn(owner);
        RenderPage<ModelPage>(p => p.Add(x => x.Name, name));

        _ = Dialogs.InvokeAsync(() => RegisterModelDialog.ShowAsync(Services.GetRequiredService<MudBlazor.IDialogService>(), name, "runs:/0123456789abcdef0123456789abcdef/model"));
        Dialogs.WaitForAssertion(() => Assert.True(Dialogs.Button("Register")!.IsEnabled()));
        Dialogs.Button("Register")!.Click();

        Dialogs.WaitForAssertion(() => Assert.Contains("Run with id=0123456789abcdef0123456789abcdef not found", Dialogs.Markup));
        Assert.Equal(1, (await Registry.Versions.ListAsync(owner, name)).Total); // nothing registered: there are no files to copy
    }
}
