using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry;

/// <summary>The requests inbox: exactly the pending requests the caller may approve, by every way of holding a level.</summary>
public class RequestInboxTests
{
    /// <summary>
    /// Two models, each with a Reader's pending requests: A (first, v1 None → Staging), B (first, v2 Staging → Production),
    /// C (second, v1 None → Staging), D (second, v2 Production → Archived); plus a closed request, which never shows.
    /// </summary>
    private sealed record Scene(TestRegistry Registry, string First, string Second, Actor FirstOwner, Actor Reader);

    private static async Task<Scene> SceneAsync(TestRegistry registry)
    {
        var (first, firstOwner) = await registry.ModelInStagesAsync(Stage.None, Stage.Staging, Stage.None);
        var (second, _) = await registry.ModelInStagesAsync(Stage.None, Stage.Production);
        var reader = await registry.UserAsync(Roles.Reader);
        await registry.Requests.CreateAsync(reader, first, 1, "Staging", comment: "A");
        await registry.Requests.CreateAsync(reader, first, 2, "Production", comment: "B");
        await registry.Requests.CreateAsync(reader, second, 1, "Staging", comment: "C");
        await registry.Requests.CreateAsync(reader, second, 2, "Archived", comment: "D");
        var closed = await registry.Requests.CreateAsync(reader, first, 3, "Staging", comment: "closed");
        await registry.Requests.CancelAsync(reader, closed.Id);
        return new Scene(registry, first, second, firstOwner, reader);
    }

    public static TheoryData<string, string[]> Cases => new()
    {
        { "no role", [] },
        { "Reader", [] },
        { "Editor", [] },
        { "StagingManager", ["A", "C"] },
        { "ProductionManager", ["A", "B", "C", "D"] },
        { "Manager", ["A", "B", "C", "D"] },
        { "Admin", ["A", "B", "C", "D"] },
        { "grant Manage Staging Versions on the first", ["A"] },
        { "grant Manage Production Versions on the second", ["C", "D"] },
        { "grant Edit on the first", [] },
        { "Reader with grant Manage on the first", ["A", "B"] },
        { "the first's creator", ["A", "B"] },
        { "locked ProductionManager", [] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task The_inbox_lists_exactly_the_requests_the_user_may_approve(string who, string[] expected)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var scene = await SceneAsync(registry);
        var user = await UserAsync(scene, who);

        var inbox = await registry.Inbox.ToReviewAsync(user, new InboxQuery(OldestFirst: true));

        Assert.Equal(expected, inbox.Items.Select(r => r.Request.Comment));
        Assert.Equal(expected.Length, await registry.Inbox.CountToReviewAsync(user));
        // Each one listed is one the service approves for this user.
        foreach (var item in inbox.Items) await registry.Requests.ApproveAsync(user, item.Request.Id);
    }

    private static async Task<Actor> UserAsync(Scene s, string who)
    {
        var r = s.Registry;
        var admin = await r.AdminAsync();
        switch (who)
        {
            case "no role": return await r.UserAsync();
            case "the first's creator": await r.SetRolesAsync(s.FirstOwner); return s.FirstOwner;
            case "locked ProductionManager":
                var locked = await r.UserAsync(Roles.ProductionManager);
                await r.UserAdmin.LockAsync(admin, locked.UserId);
                return locked;
            case "grant Manage Staging Versions on the first": return await GrantedAsync(null, s.First, PermissionLevel.ManageStagingVersions);
            case "grant Manage Production Versions on the second": return await GrantedAsync(null, s.Second, PermissionLevel.ManageProductionVersions);
            case "grant Edit on the first": return await GrantedAsync(null, s.First, PermissionLevel.Edit);
            case "Reader with grant Manage on the first": return await GrantedAsync(Roles.Reader, s.First, PermissionLevel.Manage);
            default: return await r.UserAsync(who);
        }

        async Task<Actor> GrantedAsync(string? role, string model, PermissionLevel level)
        {
            var user = role is null ? await r.UserAsync() : await r.UserAsync(role);
            await r.Permissions.GrantAsync(admin, model, user.UserId, level);
            return user;
        }
    }

    [Fact]
    public async Task Under_four_eyes_a_reviewer_does_not_see_their_own_production_request_but_others_do()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.Staging, Stage.None);
        await registry.Models.SetFourEyesAsync(owner, name, true);
        var requester = await registry.UserAsync(Roles.ProductionManager);
        var toProduction = await registry.Requests.CreateAsync(requester, name, 1, "Production");
        var toStaging = await registry.Requests.CreateAsync(requester, name, 2, "Staging");

        Assert.Equal([toStaging.Id], (await registry.Inbox.ToReviewAsync(requester)).Items.Select(r => r.Request.Id));
        Assert.Equal([toStaging.Id, toProduction.Id],
            (await registry.Inbox.ToReviewAsync(await registry.UserAsync(Roles.ProductionManager))).Items.Select(r => r.Request.Id));
        Assert.Equal([toStaging.Id, toProduction.Id], (await registry.Inbox.MineAsync(requester)).Items.Select(r => r.Request.Id));
    }

    [Fact]
    public async Task Filters_sort_and_the_models_offered_for_the_filter()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var scene = await SceneAsync(registry);
        var reviewer = await registry.UserAsync(Roles.ProductionManager);

        var newest = await registry.Inbox.ToReviewAsync(reviewer);
        Assert.Equal(["D", "C", "B", "A"], newest.Items.Select(r => r.Request.Comment));
        Assert.Equal(new[] { scene.First, scene.Second }.Order(StringComparer.OrdinalIgnoreCase), newest.Models);
        Assert.Equal([Stage.Production, Stage.None, Stage.Staging, Stage.None], newest.Items.Select(r => r.From));
        Assert.Equal(scene.Reader.UserId, newest.Items[0].Request.RequestedById);

        var firstOnly = await registry.Inbox.ToReviewAsync(reviewer, new InboxQuery(Model: scene.First.ToUpperInvariant(), OldestFirst: true));
        Assert.Equal(["A", "B"], firstOnly.Items.Select(r => r.Request.Comment));
        Assert.Equal(2, firstOnly.Models.Count); // the filter's choices stay all of them
        var toStaging = await registry.Inbox.ToReviewAsync(reviewer, new InboxQuery(ToStage: Stage.Staging));
        Assert.Equal(["C", "A"], toStaging.Items.Select(r => r.Request.Comment));
    }

    [Fact]
    public async Task My_requests_are_the_pending_ones_i_made_on_models_i_may_still_read()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var scene = await SceneAsync(registry);
        var other = await registry.UserAsync(Roles.Reader);
        var (name, _) = await registry.ModelWithVersionsAsync(1);
        await registry.Requests.CreateAsync(other, name, 1, "Staging");

        Assert.Equal(["D", "C", "B", "A"], (await registry.Inbox.MineAsync(scene.Reader)).Items.Select(r => r.Request.Comment));
        await registry.SetRolesAsync(scene.Reader);
        Assert.Empty((await registry.Inbox.MineAsync(scene.Reader)).Items);
        Assert.Equal(1, (await registry.Inbox.MineAsync(other)).Total);
    }

    [Fact]
    public async Task Both_lists_come_a_page_at_a_time_and_a_page_past_the_end_is_the_last_one()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var scene = await SceneAsync(registry); // comments A, B, C, D, oldest first
        var reviewer = await registry.UserAsync(Roles.ProductionManager);

        var second = await registry.Inbox.ToReviewAsync(reviewer, new InboxQuery(PageIndex: 1, PageSize: 3));
        Assert.Equal((4, 1, 3), (second.Requests.Total, second.Requests.PageIndex, second.Requests.PageSize));
        Assert.Equal(["A"], second.Items.Select(r => r.Request.Comment));
        Assert.Equal(2, second.Models.Count); // the filter's choices come from every page
        var pastTheEnd = await registry.Inbox.ToReviewAsync(reviewer, new InboxQuery(OldestFirst: true, PageIndex: 7, PageSize: 3));
        Assert.Equal(1, pastTheEnd.Requests.PageIndex);
        Assert.Equal(["D"], pastTheEnd.Items.Select(r => r.Request.Comment));

        var mine = await registry.Inbox.MineAsync(scene.Reader, pageIndex: 0, pageSize: 2);
        Assert.Equal(4, mine.Total);
        Assert.Equal(["D", "C"], mine.Items.Select(r => r.Request.Comment));
        Assert.Empty((await registry.Inbox.ToReviewAsync(await registry.UserAsync(Roles.Reader), new InboxQuery(PageIndex: 3))).Items);

        foreach (var size in new[] { 0, InboxQuery.MaxPageSize + 1 })
        {
            var refused = await Assert.ThrowsAsync<RegistryError>(() => registry.Inbox.ToReviewAsync(reviewer, new InboxQuery(PageSize: size)));
            Assert.Equal($"A page holds 1 to {InboxQuery.MaxPageSize} requests, not {size}.", refused.Message);
        }
    }

    [Fact]
    public async Task The_models_list_counts_each_models_pending_requests()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var scene = await SceneAsync(registry);

        var page = await registry.Models.ListAsync(scene.Reader, new ModelQuery());

        Assert.Equal(2, page.Items.Single(m => m.Name == scene.First).PendingRequests);
        Assert.Equal(2, page.Items.Single(m => m.Name == scene.Second).PendingRequests);
    }
}
