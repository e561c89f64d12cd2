using AngleSharp.Dom;
using Bunit;
using RegistryPortal.Components.Pages.Models;
using RegistryPortal.Components.Pages.Models.Components;
using RegistryPortal.Domain;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Components.Pages.Models;

/// <summary>The model page's stage timeline: a lane per stage, a period per version there, its tooltip and its link.</summary>
public class StageTimelineTests : PageTestContext
{
    private static IElement Lane(IRenderedComponent<StageTimelineView> view, Stage stage) => view.Find($"[data-stage-lane={stage}]");

    [Fact]
    public async Task Each_stage_shows_the_versions_that_held_it_with_who_moved_them_and_a_link_to_the_version()
    {
        var (name, owner) = await Registry.ModelWithVersionsAsync(2, "timeline-model");
        await Registry.Stages.TransitionAsync(owner, name, 1, "Production", comment: "first release");
        var request = await Registry.Requests.CreateAsync(owner, name, 2, "Production", archiveExisting: true, comment: "beats v1");
        await Registry.Requests.ApproveAsync(owner, request.Id, "ship it");
        var shownName = (await Registry.AccountAsync(owner.UserId))!.DisplayName;
        SignIn(await Registry.UserAsync(Roles.Reader));

        var view = RenderPage<StageTimelineView>(p => p.Add(x => x.ModelName, name));

        view.WaitForAssertion(() => Assert.Equal(2, Lane(view, Stage.Production).QuerySelectorAll("a[data-version]").Length));
        var production = Lane(view, Stage.Production).QuerySelectorAll("a[data-version]");
        Assert.Equal(["v1", "v2"], production.Select(a => a.TextContent));
        Assert.Equal("models/timeline-model/versions/2", production[1].GetAttribute("href"));
        var first = production[0].GetAttribute("aria-label")!;
        Assert.StartsWith("v1: Version 1 in Production from ", first);
        Assert.Contains($"Moved there by {shownName}, a direct move: “first release”.", first);
        var second = production[1].GetAttribute("aria-label")!;
        Assert.Contains("until now", second);
        Assert.Contains($"approving request #{request.Id}: “ship it”", second);
        var archived = Lane(view, Stage.Archived).QuerySelector("a[data-version]")!.GetAttribute("aria-label")!;
        Assert.Contains("archived because version 2 moved to Production", archived);
        Assert.Empty(Lane(view, Stage.Staging).QuerySelectorAll("a[data-version]"));
    }

    [Fact]
    public async Task Hovering_a_period_shows_its_details_in_a_tooltip()
    {
        var (name, owner) = await Registry.ModelInStagesAsync(Stage.Staging);
        SignIn(owner);
        var view = RenderPage<StageTimelineView>(p => p.Add(x => x.ModelName, name));
        view.WaitForAssertion(() => Assert.Single(Lane(view, Stage.Staging).QuerySelectorAll("a[data-version]")));

        await view.Find("[data-stage-lane=Staging] .mud-tooltip-root").TriggerEventAsync("onpointerenter", new Microsoft.AspNetCore.Components.Web.PointerEventArgs());

        Popovers.WaitForAssertion(() => Assert.Contains("Version 1 in Staging from", Popovers.Find(".mud-tooltip").TextContent));
    }

    [Fact]
    public async Task A_model_whose_versions_never_moved_says_so()
    {
        var (name, owner) = await Registry.ModelWithVersionsAsync(1);
        SignIn(owner);
        var view = RenderPage<StageTimelineView>(p => p.Add(x => x.ModelName, name));
        view.WaitForAssertion(() => Assert.Contains("No version has changed stage yet.", view.Markup));
    }

    [Fact]
    public async Task The_model_page_shows_the_timeline()
    {
        var (name, owner) = await Registry.ModelInStagesAsync(Stage.Production);
        SignIn(owner);
        var page = RenderPage<ModelPage>(p => p.Add(x => x.Name, name));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-stage-lane=Production] a[data-version]")));
    }
}
