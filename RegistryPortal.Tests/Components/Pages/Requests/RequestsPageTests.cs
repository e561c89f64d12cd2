using Bunit;
using Microsoft.AspNetCore.Components;
using RegistryPortal.Components.Layout;
using RegistryPortal.Components.Pages.Requests;
using RegistryPortal.Domain;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Components.Pages.Requests;

/// <summary>The requests inbox page and the top bar's badge, over the real services.</summary>
public class RequestsPageTests : PageTestContext
{
    [Fact]
    public async Task A_reviewer_sees_what_waits_for_them_and_approves_in_place_with_a_comment()
    {
        var (name, _) = await Registry.ModelInStagesAsync(Stage.Staging, Stage.None);
        var reader = await Registry.UserAsync(Roles.Reader);
        await Registry.Requests.CreateAsync(reader, name, 1, "Production", comment: "ship it");
        await Registry.Requests.CreateAsync(reader, name, 2, "Staging", comment: "try it");
        var reviewer = await Registry.UserAsync(Roles.ProductionManager);
        SignIn(reviewer);

        var page = RenderPage<RequestsPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[aria-label='Requests to review'] tbody tr").Count));
        var rows = page.FindAll("[aria-label='Requests to review'] tbody tr");
        Assert.Contains("try it", rows[0].TextContent); // newest first
        Assert.Contains("ship it", rows[1].TextContent);
        Assert.Contains(name, rows[1].TextContent);
        Assert.Contains("Staging", rows[1].TextContent);
        Assert.Contains("To review (2)", page.Markup);

        page.FindAll("[aria-label='Requests to review'] tbody tr")[1].QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Approve").Click();
        Dialogs.WaitForAssertion(() => Assert.Contains("Transition existing Production model versions to Archived", Dialogs.Markup));
        Dialogs.Find("textarea").Change("second pair of eyes");
        Dialogs.Button("Approve")!.Click();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[aria-label='Requests to review'] tbody tr")));
        Assert.Equal(Stage.Production, await Registry.StageOfAsync(name, 1));
        var approval = (await Registry.EventsAsync(name)).Last(e => e.Kind == ActivityKind.Approved);
        Assert.Equal(("second pair of eyes", reviewer.UserId), (approval.Comment, approval.UserId));
    }

    [Fact]
    public async Task My_requests_lists_the_requesters_own_and_cancels_in_place()
    {
        var (name, _) = await Registry.ModelInStagesAsync(Stage.None);
        var reader = await Registry.UserAsync(Roles.Reader);
        var request = await Registry.Requests.CreateAsync(reader, name, 1, "Staging", comment: "please");
        SignIn(reader);

        var page = RenderPage<RequestsPage>();

        page.WaitForAssertion(() => Assert.Contains("My requests (1)", page.Markup));
        Assert.Contains("Nothing waits for your review.", page.Markup);
        page.FindAll(".mud-tab").Single(t => t.TextContent.Contains("My requests")).Click();
        page.WaitForAssertion(() => Assert.NotNull(page.Button("Cancel request")));
        page.Button("Cancel request")!.Click();

        page.WaitForAssertion(() => Assert.Contains("My requests (0)", page.Markup));
        Assert.Equal(RequestStatus.Cancelled, (await Registry.RequestAsync(request.Id)).Status);
    }

    [Fact]
    public async Task Filtering_by_stage_shows_only_requests_to_it()
    {
        var (name, _) = await Registry.ModelInStagesAsync(Stage.Staging, Stage.None);
        var reader = await Registry.UserAsync(Roles.Reader);
        await Registry.Requests.CreateAsync(reader, name, 1, "Production", comment: "to production");
        await Registry.Requests.CreateAsync(reader, name, 2, "Staging", comment: "to staging");
        SignIn(await Registry.UserAsync(Roles.Manager));
        var page = RenderPage<RequestsPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[aria-label='Requests to review'] tbody tr").Count));

        var stageFilter = page.FindComponents<MudBlazor.MudSelect<string>>().Single(s => s.Instance.Label == "To stage");
        await page.InvokeAsync(() => stageFilter.Instance.ValueChanged.InvokeAsync("Production"));

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[aria-label='Requests to review'] tbody tr")));
        Assert.Contains("to production", page.Find("[aria-label='Requests to review'] tbody tr").TextContent);
    }

    [Fact]
    public async Task The_top_bar_badge_counts_up_live_when_someone_asks_for_a_review()
    {
        var (name, _) = await Registry.ModelInStagesAsync(Stage.None, Stage.None);
        var reviewer = await Registry.UserAsync(Roles.StagingManager);
        SignIn(reviewer);
        var link = Render<RequestsLink>();
        link.WaitForAssertion(() => Assert.Equal("0", link.Find("a").GetAttribute("data-waiting")));
        Assert.Equal("Requests", link.Find("a").GetAttribute("aria-label"));

        var reader = await Registry.UserAsync(Roles.Reader);
        await Registry.Requests.CreateAsync(reader, name, 1, "Staging");
        link.WaitForAssertion(() => Assert.Equal("1", link.Find("a").GetAttribute("data-waiting")));
        await Registry.Requests.CreateAsync(reader, name, 2, "Production"); // not theirs to approve

        await Registry.Requests.CreateAsync(reader, name, 2, "Archived");
        link.WaitForAssertion(() => Assert.Equal("2", link.Find("a").GetAttribute("data-waiting")));
        Assert.Equal(2, await Registry.Inbox.CountToReviewAsync(reviewer));
        Assert.Equal("Requests, 2 waiting for your review", link.Find("a").GetAttribute("aria-label"));
        Assert.Contains("2", link.Find(".mud-badge").TextContent);
    }
}
