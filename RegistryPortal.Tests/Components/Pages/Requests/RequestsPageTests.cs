using Bunit;
using Microsoft.AspNetCore.Components;
using RegistryPortal.Components.Layout;
using RegistryPortal.Components.Pages.Requests;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
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
    public async Task The_model_filter_searches_the_models_with_requests_and_shows_only_the_chosen_ones()
    {
        var (first, _) = await Registry.ModelWithVersionsAsync(1);
        var (second, _) = await Registry.ModelWithVersionsAsync(1);
        var reader = await Registry.UserAsync(Roles.Reader);
        await Registry.Requests.CreateAsync(reader, first, 1, "Staging", comment: "first's");
        await Registry.Requests.CreateAsync(reader, second, 1, "Staging", comment: "second's");
        SignIn(await Registry.UserAsync(Roles.Manager));
        var page = RenderPage<RequestsPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[aria-label='Requests to review'] tbody tr").Count));

        var filter = page.FindComponent<MudBlazor.MudAutocomplete<string>>();
        Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), (await filter.Instance.SearchFunc!("", CancellationToken.None)).Order(StringComparer.Ordinal));
        Assert.Equal([second], await filter.Instance.SearchFunc!(second.ToUpperInvariant(), CancellationToken.None));
        await page.InvokeAsync(() => filter.Instance.ValueChanged.InvokeAsync(second));

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[aria-label='Requests to review'] tbody tr")));
        Assert.Contains("second's", page.Find("[aria-label='Requests to review'] tbody tr").TextContent);
        await page.InvokeAsync(() => filter.Instance.ValueChanged.InvokeAsync(null)); // cleared: every model again
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[aria-label='Requests to review'] tbody tr").Count));
    }

    [Fact]
    public async Task A_long_inbox_shows_a_page_at_a_time_and_the_pager_moves_through_it()
    {
        var (name, _) = await Registry.ModelWithVersionsAsync(InboxQuery.DefaultPageSize + 5);
        var reader = await Registry.UserAsync(Roles.Reader);
        for (var number = 1; number <= InboxQuery.DefaultPageSize + 5; number++)
            await Registry.Requests.CreateAsync(reader, name, number, "Staging", comment: $"request {number}");
        SignIn(await Registry.UserAsync(Roles.StagingManager));

        var page = RenderPage<RequestsPage>();

        page.WaitForAssertion(() => Assert.Equal(InboxQuery.DefaultPageSize, page.FindAll("[aria-label='Requests to review'] tbody tr").Count));
        Assert.Contains($"To review ({InboxQuery.DefaultPageSize + 5})", page.Markup);
        Assert.Contains($"1–{InboxQuery.DefaultPageSize} of {InboxQuery.DefaultPageSize + 5}", page.Markup);
        string CommentOf(AngleSharp.Dom.IElement row) => row.QuerySelectorAll("td")[4].TextContent.Trim();
        Assert.Equal("request 30", CommentOf(page.Find("[aria-label='Requests to review'] tbody tr"))); // newest first

        var pager = page.FindComponents<MudBlazor.MudPagination>().Single(p => p.Instance.UserAttributes["aria-label"] as string == "Pages of requests to review");
        await page.InvokeAsync(() => pager.Instance.SelectedChanged.InvokeAsync(2));

        page.WaitForAssertion(() => Assert.Equal(5, page.FindAll("[aria-label='Requests to review'] tbody tr").Count));
        Assert.Contains($"{InboxQuery.DefaultPageSize + 1}–{InboxQuery.DefaultPageSize + 5} of", page.Markup);
        Assert.Equal("request 1", CommentOf(page.FindAll("[aria-label='Requests to review'] tbody tr")[^1]));
        Assert.Empty(page.FindComponents<MudBlazor.MudPagination>().Where(p => p.Instance.UserAttributes["aria-label"] as string == "Pages of my requests"));
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
