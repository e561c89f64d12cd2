using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Tests.TestSupport;
using RegistryPortal.Tracking;

namespace RegistryPortal.Tests.Registry;

/// <summary>The version page's one read: what the caller may do with the version, and why not, decided by the service.</summary>
public class VersionDetailsTests
{
    private static readonly string PermissionReason = "Deleting a version takes the Manage permission.";

    public static TheoryData<PermissionLevel, string[], bool, bool> Levels => new()
    {
        // level, the Stage menu of version 2 in Staging (with a request to Production pending: not offered again; no
        // request to None), may review the request to Production, may cancel another's request
        { PermissionLevel.Read, ["request Archived"], false, false },
        { PermissionLevel.Edit, ["request Archived"], false, false },
        { PermissionLevel.ManageStagingVersions, ["move None", "move Archived"], false, false },
        { PermissionLevel.ManageProductionVersions, ["move None", "move Production", "move Archived"], true, false },
        { PermissionLevel.Manage, ["move None", "move Production", "move Archived"], true, true },
    };

    [Theory]
    [MemberData(nameof(Levels))]
    public async Task Each_level_gets_exactly_the_moves_reviews_and_cancels_it_may_make(PermissionLevel level, string[] menu, bool mayReview, bool mayCancel)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelInStagesAsync(Stage.Production, Stage.Staging);
        await registry.Requests.CreateAsync(await registry.UserAsync(Roles.Reader), name, 2, "Production", comment: "ready");
        var caller = await registry.UserWithLevelAsync(level);

        var details = await registry.Versions.DetailsAsync(caller, name, 2);

        Assert.Equal(level, details.YourLevel);
        Assert.Equal(menu, Menu(details));
        var request = Assert.Single(details.Requests);
        Assert.Equal(("ready", Stage.Production), (request.Request.Comment, request.Request.ToStage));
        Assert.Equal((mayReview, mayReview, mayCancel, null), (request.MayApprove, request.MayReject, request.MayCancel, request.ApproveBlockedBecause));
        // In Staging nobody may delete it; the reason is the one the caller can act on first.
        Assert.Equal(level == PermissionLevel.Manage ? $"Version 2 of '{name}' is in Staging: move it to None or Archived before deleting it." : PermissionReason,
            details.DeleteBlockedBecause);
    }

    private static string[] Menu(VersionDetails details) =>
        details.StageMoves.Select(m => $"{(m.Direct ? "move" : "request")} {m.Target}").ToArray();

    [Fact]
    public async Task A_reader_may_request_staging_production_or_archived_never_none()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelInStagesAsync(Stage.Production);

        var details = await registry.Versions.DetailsAsync(await registry.UserAsync(Roles.Reader), name, 1);

        Assert.Equal(["request Staging", "request Archived"], Menu(details));
    }

    [Theory]
    [InlineData(Roles.ProductionManager)]
    [InlineData(Roles.Manager)]
    [InlineData(Roles.Admin)]
    public async Task Under_four_eyes_production_moves_are_requests_for_everyone_and_the_requester_may_not_approve(string role)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.Production, Stage.Staging);
        await registry.Models.SetFourEyesAsync(owner, name, true);
        var caller = await registry.UserAsync(role);

        var staging = await registry.Versions.DetailsAsync(caller, name, 2);
        Assert.True(staging.FourEyes);
        Assert.Equal(["move None", "move Archived", "request Production"], Menu(staging));
        Assert.Equal(["request Staging", "request Archived"], Menu(await registry.Versions.DetailsAsync(caller, name, 1)));

        await registry.Requests.CreateAsync(caller, name, 2, "Production");
        var own = Assert.Single((await registry.Versions.DetailsAsync(caller, name, 2)).Requests);
        Assert.Equal((false, true, true), (own.MayApprove, own.MayReject, own.MayCancel));
        Assert.Contains("someone other than the requester", own.ApproveBlockedBecause);
        Assert.Equal(["move None", "move Archived"], Menu(await registry.Versions.DetailsAsync(caller, name, 2)));
        var reviewer = Assert.Single((await registry.Versions.DetailsAsync(await registry.UserAsync(Roles.ProductionManager), name, 2)).Requests);
        Assert.Equal((true, null), (reviewer.MayApprove, reviewer.ApproveBlockedBecause));
    }

    [Theory]
    [InlineData(Stage.None)]
    [InlineData(Stage.Archived)]
    public async Task A_manage_holder_may_delete_a_version_in_none_or_archived_and_the_delete_succeeds(Stage stage)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(stage);

        Assert.Null((await registry.Versions.DetailsAsync(owner, name, 1)).DeleteBlockedBecause);
        Assert.Equal(PermissionReason, (await registry.Versions.DetailsAsync(await registry.UserAsync(Roles.ProductionManager), name, 1)).DeleteBlockedBecause);
        await registry.Versions.DeleteAsync(owner, name, 1);
    }

    [Theory]
    [InlineData(Stage.Staging)]
    [InlineData(Stage.Production)]
    public async Task The_reason_delete_is_blocked_is_the_refusal_the_delete_gives(Stage live)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(live);

        var blocked = (await registry.Versions.DetailsAsync(owner, name, 1)).DeleteBlockedBecause;

        var refusal = await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Versions.DeleteAsync(owner, name, 1));
        Assert.Equal(refusal.Message, blocked);
    }

    [Fact]
    public async Task The_requester_may_cancel_their_own_request_but_not_review_it()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(1);
        var reader = await registry.UserAsync(Roles.Reader);
        await registry.Requests.CreateAsync(reader, name, 1, "Staging");

        var request = Assert.Single((await registry.Versions.DetailsAsync(reader, name, 1)).Requests);

        Assert.Equal((false, false, true), (request.MayApprove, request.MayReject, request.MayCancel));
    }

    [Fact]
    public async Task A_grant_on_the_model_counts_as_a_role_would()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        var granted = await registry.UserAsync();
        await registry.Permissions.GrantAsync(owner, name, granted.UserId, PermissionLevel.ManageStagingVersions);

        var details = await registry.Versions.DetailsAsync(granted, name, 1);

        Assert.Equal(PermissionLevel.ManageStagingVersions, details.YourLevel);
        Assert.Equal(["move Staging", "move Archived", "request Production"], Menu(details));
    }

    [Fact]
    public async Task A_version_that_is_not_ready_offers_no_moves()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);
        await registry.RegisterAsync(owner, name, pending: true);

        Assert.Empty((await registry.Versions.DetailsAsync(owner, name, 1)).StageMoves);
    }

    [Fact]
    public async Task Requests_are_the_pending_ones_and_activity_is_the_version_s_own_newest_first()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(2);
        var cancelled = await registry.Requests.CreateAsync(owner, name, 1, "Staging");
        await registry.Requests.CancelAsync(owner, cancelled.Id);
        var pending = await registry.Requests.CreateAsync(owner, name, 1, "Production");
        await registry.Activity.CommentAsync(owner, name, 1, "looks good");
        await registry.Activity.CommentAsync(owner, name, 2, "another version");

        var details = await registry.Versions.DetailsAsync(owner, name, 1);

        Assert.Equal([pending.Id], details.Requests.Select(r => r.Request.Id));
        Assert.Equal([ActivityKind.Commented, ActivityKind.Requested, ActivityKind.Cancelled, ActivityKind.Requested, ActivityKind.VersionRegistered],
            details.Activity.Select(e => e.Kind));
        Assert.Equal("looks good", details.Activity[0].Comment);
        Assert.All(details.Activity, e => Assert.Equal(1, e.Version));
    }

    [Fact]
    public async Task A_user_who_may_not_see_the_model_learns_nothing()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(1);

        await Expect.RefusalAsync(ErrorKind.NotFound, async () => await registry.Versions.DetailsAsync(await registry.UserAsync(), name, 1),
            $"Registered model '{name}' does not exist");
    }

    [Fact]
    public async Task The_source_run_and_logged_model_are_linked_for_whom_may_see_runs()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (loggedModels, editor, experiment, runId) = await RegistryPortal.Tests.Tracking.LoggedModelServiceTests.NewExperimentAsync(registry);
        var logged = (await loggedModels.CreateAsync(editor, new NewLoggedModel(experiment, "clf", runId))).Info;
        var (name, _) = await registry.ModelWithVersionsAsync(0, owner: editor);
        await registry.Versions.RegisterAsync(editor, new NewVersion(name, "s3://bucket/clf", RunId: runId, LoggedModelId: logged.Id));
        await registry.Versions.RegisterAsync(editor, new NewVersion(name, "s3://bucket/elsewhere", RunId: "not-a-run-here"));

        var details = await registry.Versions.DetailsAsync(editor, name, 1);
        Assert.Equal(new SourceRun(experiment, runId), details.Run);
        Assert.Equal(new SourceLoggedModel(experiment, logged.Id, "clf"), details.LoggedModel);
        Assert.Null((await registry.Versions.DetailsAsync(editor, name, 2)).Run);

        // Seeing runs takes a role; a grant on one model shows its versions, not the tracking data behind them.
        var granted = await registry.UserAsync();
        await registry.Permissions.GrantAsync(editor, name, granted.UserId, PermissionLevel.Read);
        var theirs = await registry.Versions.DetailsAsync(granted, name, 1);
        Assert.Equal((runId, (SourceRun?)null, (SourceLoggedModel?)null), (theirs.Version.RunId, theirs.Run, theirs.LoggedModel));

        await loggedModels.DeleteAsync(editor, logged.Id);
        Assert.Null((await registry.Versions.DetailsAsync(editor, name, 1)).LoggedModel);
    }
}
