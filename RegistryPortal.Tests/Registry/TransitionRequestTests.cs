using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry;

public class TransitionRequestTests
{
    [Fact]
    public async Task A_reader_requests_a_move_with_a_comment_and_archive_existing_and_nothing_moves_yet()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(1);
        var reader = await registry.UserAsync(Roles.Reader);

        var request = await registry.Requests.CreateAsync(reader, name, 1, "production", archiveExisting: true, comment: "AUC up 2 points");

        Assert.Equal((name, 1, Stage.Production, true, "AUC up 2 points", RequestStatus.Pending, reader.UserId),
            (request.ModelName, request.Version, request.ToStage, request.ArchiveExisting, request.Comment, request.Status, request.RequestedById));
        Assert.Equal(Stage.None, await registry.StageOfAsync(name, 1));
        var pending = await registry.Requests.ListAsync(reader, name, 1);
        Assert.Equal([request.Id], pending.Select(r => r.Id));
        var requested = (await registry.EventsAsync(name)).Last();
        Assert.Equal((ActivityKind.Requested, Stage.None, Stage.Production, "AUC up 2 points", reader.UserId, request.Id),
            (requested.Kind, requested.FromStage, requested.ToStage, requested.Comment, requested.UserId, requested.RequestId));
    }

    [Fact]
    public async Task Requesting_needs_Read()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(1);
        var stranger = await registry.UserAsync();
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Requests.CreateAsync(stranger, name, 1, "Staging"), $"'{name}' does not exist");
        Assert.Equal(0, await registry.QueryAsync(db => db.TransitionRequests.CountAsync()));
    }

    [Fact]
    public async Task Only_one_pending_request_per_version_and_target_stage()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(2);
        var alice = await registry.UserAsync(Roles.Reader);
        var bob = await registry.UserAsync(Roles.Reader);
        var first = await registry.Requests.CreateAsync(alice, name, 1, "Staging");

        await Expect.RefusalAsync(ErrorKind.AlreadyExists, () => registry.Requests.CreateAsync(bob, name, 1, "STAGING"),
            $"already has a pending request (#{first.Id}) to move to Staging", "Comment on it instead");

        // Another target stage, or another version, is a different request.
        await registry.Requests.CreateAsync(bob, name, 1, "Production");
        await registry.Requests.CreateAsync(bob, name, 2, "Staging");
        Assert.Equal(3, (await registry.Requests.ListAsync(bob, name)).Count);
    }

    [Fact]
    public async Task A_new_request_is_allowed_once_the_previous_one_is_closed()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        var reader = await registry.UserAsync(Roles.Reader);
        var first = await registry.Requests.CreateAsync(reader, name, 1, "Staging");
        await registry.Requests.RejectAsync(owner, first.Id, "not yet");
        var second = await registry.Requests.CreateAsync(reader, name, 1, "Staging");
        Assert.Equal(RequestStatus.Pending, second.Status);
        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public async Task A_request_obeys_the_move_rules_same_stage_READY_and_archive_existing()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.Staging);
        var pending = await registry.RegisterAsync(owner, name, pending: true);
        var reader = await registry.UserAsync(Roles.Reader);

        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Requests.CreateAsync(reader, name, 1, "staging"), "already in Staging");
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Requests.CreateAsync(reader, name, pending, "Staging"), "only READY versions");
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Requests.CreateAsync(reader, name, 1, "Archived", archiveExisting: true),
            "only applies to moves to Staging or Production");
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Requests.CreateAsync(reader, name, 1, "Live"), "not a stage");
        Assert.Equal(0, await registry.QueryAsync(db => db.TransitionRequests.CountAsync()));
    }

    // Approve

    [Fact]
    public async Task Approve_moves_the_version_and_closes_the_request_together()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelInStagesAsync(Stage.Staging);
        var reader = await registry.UserAsync(Roles.Reader);
        var approver = await registry.UserAsync(Roles.ProductionManager);
        var request = await registry.Requests.CreateAsync(reader, name, 1, "Production", comment: "ship it");

        var approved = await registry.Requests.ApproveAsync(approver, request.Id, "looks good");

        Assert.Equal(RequestStatus.Approved, approved.Status);
        Assert.Equal("looks good", approved.ResolutionComment);
        Assert.NotNull(approved.ResolvedAt);
        Assert.Equal(Stage.Production, await registry.StageOfAsync(name, 1));
        var stored = await registry.RequestAsync(request.Id);
        Assert.Equal((RequestStatus.Approved, approver.UserId), (stored.Status, stored.ResolvedById));
        Assert.Empty(await registry.Requests.ListAsync(reader, name));
        // One entry, "approved … and moved", with the comment once.
        var approval = (await registry.EventsAsync(name)).Last();
        Assert.Equal((ActivityKind.Approved, Stage.Staging, Stage.Production, "looks good", approver.UserId, request.Id),
            (approval.Kind, approval.FromStage, approval.ToStage, approval.Comment, approval.UserId, approval.RequestId));
        Assert.Equal(1, (await registry.EventsAsync(name)).Count(e => e.Comment == "looks good"));
        Assert.DoesNotContain(await registry.EventsAsync(name), e => e.Kind == ActivityKind.Transitioned && e.ToStage == Stage.Production);
    }

    [Fact]
    public async Task Approve_applies_the_requested_archive_existing()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.Production, Stage.Staging);
        var reader = await registry.UserAsync(Roles.Reader);
        var request = await registry.Requests.CreateAsync(reader, name, 2, "Production", archiveExisting: true);

        await registry.Requests.ApproveAsync(owner, request.Id);

        Assert.Equal(new Dictionary<int, Stage> { [1] = Stage.Archived, [2] = Stage.Production }, await registry.StagesOfAsync(name));
    }

    [Fact]
    public async Task The_approver_may_override_archive_existing()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.Production, Stage.Staging);
        var reader = await registry.UserAsync(Roles.Reader);
        var request = await registry.Requests.CreateAsync(reader, name, 2, "Production", archiveExisting: true);

        await registry.Requests.ApproveAsync(owner, request.Id, archiveExisting: false);

        Assert.Equal(new Dictionary<int, Stage> { [1] = Stage.Production, [2] = Stage.Production }, await registry.StagesOfAsync(name));
    }

    [Fact]
    public async Task With_one_version_per_stage_approval_archives_the_version_there_whatever_the_choice()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.Production, Stage.Staging);
        await registry.Models.SetOneVersionPerStageAsync(owner, name, true);
        var reader = await registry.UserAsync(Roles.Reader);
        var request = await registry.Requests.CreateAsync(reader, name, 2, "Production", archiveExisting: false);

        await registry.Requests.ApproveAsync(owner, request.Id, archiveExisting: false);

        Assert.Equal(new Dictionary<int, Stage> { [1] = Stage.Archived, [2] = Stage.Production }, await registry.StagesOfAsync(name));
    }

    [Theory]
    [InlineData(Stage.None, "Staging", Roles.Editor, "Manage Staging Versions")]
    [InlineData(Stage.Staging, "Production", Roles.StagingManager, "Manage Production Versions")]
    [InlineData(Stage.Production, "Archived", Roles.StagingManager, "Manage Production Versions")]
    public async Task Approve_needs_the_permission_of_the_move(Stage from, string to, string tooLowRole, string needed)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelInStagesAsync(from);
        var reader = await registry.UserAsync(Roles.Reader);
        var tooLow = await registry.UserAsync(tooLowRole);
        var request = await registry.Requests.CreateAsync(reader, name, 1, to);

        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Requests.ApproveAsync(tooLow, request.Id), $"You need {needed}");

        Assert.Equal(from, await registry.StageOfAsync(name, 1));
        Assert.Equal(RequestStatus.Pending, (await registry.RequestAsync(request.Id)).Status);
    }

    [Fact]
    public async Task A_failed_approval_leaves_the_request_pending_and_the_version_where_it_was()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.None);
        var reader = await registry.UserAsync(Roles.Reader);
        var request = await registry.Requests.CreateAsync(reader, name, 1, "Production");

        // Archive-existing is refused for the requested target only at approval (the approver asks for it).
        var toArchived = await registry.Requests.CreateAsync(reader, name, 1, "Archived");
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Requests.ApproveAsync(owner, toArchived.Id, archiveExisting: true),
            "only applies to moves to Staging or Production");

        Assert.Equal(RequestStatus.Pending, (await registry.RequestAsync(toArchived.Id)).Status);
        Assert.Equal(RequestStatus.Pending, (await registry.RequestAsync(request.Id)).Status);
        Assert.Equal(Stage.None, await registry.StageOfAsync(name, 1));
        Assert.DoesNotContain(await registry.EventsAsync(name), e => e.Kind is ActivityKind.Approved or ActivityKind.Transitioned);
    }

    [Fact]
    public async Task A_closed_request_cannot_be_approved_rejected_or_cancelled()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        var reader = await registry.UserAsync(Roles.Reader);
        var request = await registry.Requests.CreateAsync(reader, name, 1, "Staging");
        await registry.Requests.RejectAsync(owner, request.Id, "no");

        await Expect.RefusalAsync(ErrorKind.Conflict, () => registry.Requests.ApproveAsync(owner, request.Id),
            $"Request #{request.Id}", "is already rejected", "can no longer be approved", "Reload");
        await Expect.RefusalAsync(ErrorKind.Conflict, () => registry.Requests.RejectAsync(owner, request.Id), "can no longer be rejected");
        await Expect.RefusalAsync(ErrorKind.Conflict, () => registry.Requests.CancelAsync(reader, request.Id), "can no longer be cancelled");
        Assert.Equal(Stage.None, await registry.StageOfAsync(name, 1));
    }

    [Fact]
    public async Task An_unknown_request_is_not_found()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.AdminAsync();
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Requests.ApproveAsync(admin, 4242), "Transition request #4242 does not exist");
    }

    // Reject

    [Fact]
    public async Task Reject_closes_the_request_with_the_comment_and_nothing_moves()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelInStagesAsync(Stage.Staging);
        var reader = await registry.UserAsync(Roles.Reader);
        var reviewer = await registry.UserAsync(Roles.ProductionManager);
        var request = await registry.Requests.CreateAsync(reader, name, 1, "Production");

        var rejected = await registry.Requests.RejectAsync(reviewer, request.Id, "latency too high");

        Assert.Equal((RequestStatus.Rejected, "latency too high"), (rejected.Status, rejected.ResolutionComment));
        Assert.Equal(Stage.Staging, await registry.StageOfAsync(name, 1));
        var stored = await registry.RequestAsync(request.Id);
        Assert.Equal((RequestStatus.Rejected, reviewer.UserId, "latency too high"), (stored.Status, stored.ResolvedById, stored.ResolutionComment));
        var rejectedEvent = (await registry.EventsAsync(name)).Last();
        Assert.Equal((ActivityKind.Rejected, "latency too high", reviewer.UserId, Stage.Staging, Stage.Production),
            (rejectedEvent.Kind, rejectedEvent.Comment, rejectedEvent.UserId, rejectedEvent.FromStage, rejectedEvent.ToStage));
    }

    [Theory]
    [InlineData(Stage.None, "Staging", Roles.Editor, "Manage Staging Versions")]
    [InlineData(Stage.Staging, "Production", Roles.StagingManager, "Manage Production Versions")]
    public async Task Reject_needs_the_permission_of_the_move(Stage from, string to, string tooLowRole, string needed)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelInStagesAsync(from);
        var reader = await registry.UserAsync(Roles.Reader);
        var tooLow = await registry.UserAsync(tooLowRole);
        var request = await registry.Requests.CreateAsync(reader, name, 1, to);

        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Requests.RejectAsync(reader, request.Id, "mine"), $"You need {needed}");
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Requests.RejectAsync(tooLow, request.Id), $"You need {needed}");

        Assert.Equal(RequestStatus.Pending, (await registry.RequestAsync(request.Id)).Status);
    }

    // Cancel

    [Fact]
    public async Task The_requester_cancels_their_own_request()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(1);
        var reader = await registry.UserAsync(Roles.Reader);
        var request = await registry.Requests.CreateAsync(reader, name, 1, "Staging");

        var cancelled = await registry.Requests.CancelAsync(reader, request.Id, "wrong version");

        Assert.Equal(RequestStatus.Cancelled, cancelled.Status);
        Assert.Equal(Stage.None, await registry.StageOfAsync(name, 1));
        var cancelledEvent = (await registry.EventsAsync(name)).Last();
        Assert.Equal((ActivityKind.Cancelled, reader.UserId, "wrong version", Stage.Staging),
            (cancelledEvent.Kind, cancelledEvent.UserId, cancelledEvent.Comment, cancelledEvent.ToStage));
    }

    [Fact]
    public async Task A_Manage_holder_cancels_someone_elses_request()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        var reader = await registry.UserAsync(Roles.Reader);
        var first = await registry.Requests.CreateAsync(reader, name, 1, "Staging");
        var second = await registry.Requests.CreateAsync(reader, name, 1, "Production");

        await registry.Requests.CancelAsync(owner, first.Id); // the creator holds Manage
        await registry.Requests.CancelAsync(await registry.UserAsync(Roles.Manager), second.Id);

        Assert.Equal(RequestStatus.Cancelled, (await registry.RequestAsync(first.Id)).Status);
        Assert.Equal((RequestStatus.Cancelled, owner.UserId), ((await registry.RequestAsync(first.Id)).Status, (await registry.RequestAsync(first.Id)).ResolvedById));
        Assert.Equal(RequestStatus.Cancelled, (await registry.RequestAsync(second.Id)).Status);
    }

    [Theory]
    [InlineData(Roles.Reader)]
    [InlineData(Roles.Editor)]
    [InlineData(Roles.ProductionManager)]
    public async Task Others_below_Manage_cannot_cancel_a_request(string role)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(1);
        var requester = await registry.UserAsync(Roles.Reader);
        var other = await registry.UserAsync(role);
        var request = await registry.Requests.CreateAsync(requester, name, 1, "Staging");

        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Requests.CancelAsync(other, request.Id),
            "You need Manage", "cancel someone else's request");
        Assert.Equal(RequestStatus.Pending, (await registry.RequestAsync(request.Id)).Status);
    }

    // Superseded

    [Fact]
    public async Task A_direct_move_to_the_requested_stage_supersedes_the_request()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        var reader = await registry.UserAsync(Roles.Reader);
        var toStaging = await registry.Requests.CreateAsync(reader, name, 1, "Staging");
        var toProduction = await registry.Requests.CreateAsync(reader, name, 1, "Production");

        await registry.Stages.TransitionAsync(owner, name, 1, "staging");

        Assert.Equal(RequestStatus.Superseded, (await registry.RequestAsync(toStaging.Id)).Status);
        Assert.Equal(RequestStatus.Pending, (await registry.RequestAsync(toProduction.Id)).Status);
        var superseded = Assert.Single(await registry.EventsAsync(name), e => e.Kind == ActivityKind.Superseded);
        Assert.Equal((toStaging.Id, Stage.Staging, 1), (superseded.RequestId, superseded.ToStage, superseded.VersionNumber));
    }

    [Fact]
    public async Task Approving_one_request_supersedes_nothing_else_but_archiving_supersedes_requests_to_Archived()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.Production, Stage.Staging);
        var reader = await registry.UserAsync(Roles.Reader);
        var archiveOld = await registry.Requests.CreateAsync(reader, name, 1, "Archived", comment: "retire v1");
        var promote = await registry.Requests.CreateAsync(reader, name, 2, "Production", archiveExisting: true);

        await registry.Requests.ApproveAsync(owner, promote.Id);

        Assert.Equal(RequestStatus.Approved, (await registry.RequestAsync(promote.Id)).Status);
        Assert.Equal(RequestStatus.Superseded, (await registry.RequestAsync(archiveOld.Id)).Status);
        Assert.Equal(Stage.Archived, await registry.StageOfAsync(name, 1));
    }

    [Fact]
    public async Task A_superseded_request_can_no_longer_be_approved()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        var reader = await registry.UserAsync(Roles.Reader);
        var request = await registry.Requests.CreateAsync(reader, name, 1, "Staging");
        await registry.Stages.TransitionAsync(owner, name, 1, "Staging");
        await registry.Stages.TransitionAsync(owner, name, 1, "None");

        await Expect.RefusalAsync(ErrorKind.Conflict, () => registry.Requests.ApproveAsync(owner, request.Id), "already superseded");
        Assert.Equal(Stage.None, await registry.StageOfAsync(name, 1));
    }

    [Fact]
    public async Task Listing_shows_closed_requests_on_demand_newest_first()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(2);
        var reader = await registry.UserAsync(Roles.Reader);
        var a = await registry.Requests.CreateAsync(reader, name, 1, "Staging");
        var b = await registry.Requests.CreateAsync(reader, name, 2, "Staging");
        await registry.Requests.RejectAsync(owner, a.Id);

        Assert.Equal([b.Id], (await registry.Requests.ListAsync(reader, name)).Select(r => r.Id));
        Assert.Equal([b.Id, a.Id], (await registry.Requests.ListAsync(reader, name, pendingOnly: false)).Select(r => r.Id));
        Assert.Equal([a.Id], (await registry.Requests.ListAsync(reader, name, 1, pendingOnly: false)).Select(r => r.Id));
    }
}
