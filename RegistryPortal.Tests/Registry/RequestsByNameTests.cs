using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry;

/// <summary>
/// Requests named as Databricks' API names them (model, version, target stage, and for a delete the creator): each
/// operation finds the pending request and acts on it in one transaction, answering the stage its move starts from.
/// </summary>
public class RequestsByNameTests
{
    [Fact]
    public async Task Approve_by_version_and_stage_moves_the_version_and_answers_the_stage_it_left()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.Staging, Stage.Production);
        var reader = await registry.UserAsync(Roles.Reader);
        var request = await registry.Requests.CreateAsync(reader, name, 1, "Production", archiveExisting: false, comment: "ship it");

        var (approved, from) = await registry.Requests.ApproveAsync(owner, new PendingRequestName(name, 1, "production"), "go", archiveExisting: true);

        Assert.Equal((request.Id, RequestStatus.Approved, "go", Stage.Staging), (approved.Id, approved.Status, approved.ResolutionComment, from));
        Assert.Equal(new Dictionary<int, Stage> { [1] = Stage.Production, [2] = Stage.Archived }, await registry.StagesOfAsync(name));
        var approvedEvent = (await registry.EventsAsync(name)).Single(e => e.RequestId == request.Id && e.Kind != ActivityKind.Requested);
        Assert.Equal((ActivityKind.Approved, Stage.Staging, Stage.Production, request.Id),
            (approvedEvent.Kind, approvedEvent.FromStage, approvedEvent.ToStage, approvedEvent.RequestId));
    }

    [Fact]
    public async Task Approve_by_name_without_the_permission_of_the_move_changes_nothing()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelInStagesAsync(Stage.Staging);
        var reader = await registry.UserAsync(Roles.Reader);
        var request = await registry.Requests.CreateAsync(reader, name, 1, "Production");
        var stagingManager = await registry.UserAsync(Roles.StagingManager);

        await Expect.RefusalAsync(ErrorKind.PermissionDenied,
            () => registry.Requests.ApproveAsync(stagingManager, new PendingRequestName(name, 1, "Production")), "You need Manage Production Versions");

        Assert.Equal(RequestStatus.Pending, (await registry.RequestAsync(request.Id)).Status);
        Assert.Equal(Stage.Staging, await registry.StageOfAsync(name, 1));
    }

    [Fact]
    public async Task Reject_by_version_and_stage_closes_the_request_and_nothing_moves()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.Staging);
        var reader = await registry.UserAsync(Roles.Reader);
        var request = await registry.Requests.CreateAsync(reader, name, 1, "Production");

        var (rejected, from) = await registry.Requests.RejectAsync(owner, new PendingRequestName(name, 1, "Production"), "not yet");

        Assert.Equal((request.Id, RequestStatus.Rejected, "not yet", Stage.Staging), (rejected.Id, rejected.Status, rejected.ResolutionComment, from));
        Assert.Equal(RequestStatus.Rejected, (await registry.RequestAsync(request.Id)).Status);
        Assert.Equal(Stage.Staging, await registry.StageOfAsync(name, 1));
    }

    [Fact]
    public async Task A_stage_without_a_pending_request_is_not_found_and_an_unknown_stage_is_invalid()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        var request = await registry.Requests.CreateAsync(owner, name, 1, "Staging");
        await registry.Requests.RejectAsync(owner, request.Id);

        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Requests.ApproveAsync(owner, new PendingRequestName(name, 1, "Staging")),
            $"Version 1 of '{name}' has no pending request to move to Staging.");
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Requests.RejectAsync(owner, new PendingRequestName(name, 1, "Archived")),
            $"Version 1 of '{name}' has no pending request to move to Archived.");
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Requests.RejectAsync(owner, new PendingRequestName(name, 1, "Prod")),
            "'Prod' is not a stage");
    }

    [Fact]
    public async Task A_request_of_a_model_the_caller_may_not_read_is_not_found()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        var request = await registry.Requests.CreateAsync(owner, name, 1, "Staging");
        var stranger = await registry.UserAsync();

        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Requests.RejectAsync(stranger, new PendingRequestName(name, 1, "Staging")),
            $"'{name}' does not exist");
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Requests.PendingMovesAsync(stranger, name, 1), $"'{name}' does not exist");
        Assert.Equal(RequestStatus.Pending, (await registry.RequestAsync(request.Id)).Status);
    }

    [Theory]
    [InlineData("user2@test.local")]
    [InlineData("USER2@TEST.LOCAL")]
    [InlineData("User 2")]
    public async Task Cancel_by_creator_matches_the_requesters_user_name_email_or_display_name(string creator)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        var requester = await registry.UserAsync(Roles.Reader); // user2@test.local, "User 2"
        var request = await registry.Requests.CreateAsync(requester, name, 1, "Staging");

        await Expect.RefusalAsync(ErrorKind.NotFound,
            () => registry.Requests.CancelAsync(owner, new PendingRequestName(name, 1, "Staging", "user1@test.local")),
            $"Version 1 of '{name}' has no pending request by 'user1@test.local' to move to Staging.");
        Assert.Equal(RequestStatus.Pending, (await registry.RequestAsync(request.Id)).Status);

        var (cancelled, from) = await registry.Requests.CancelAsync(requester, new PendingRequestName(name, 1, "Staging", creator), "changed my mind");

        Assert.Equal((request.Id, RequestStatus.Cancelled, Stage.None), (cancelled.Id, cancelled.Status, from));
        Assert.Equal(RequestStatus.Cancelled, (await registry.RequestAsync(request.Id)).Status);
    }

    [Fact]
    public async Task Cancel_by_name_of_someone_elses_request_needs_Manage()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        var request = await registry.Requests.CreateAsync(owner, name, 1, "Staging");
        var productionManager = await registry.UserAsync(Roles.ProductionManager);

        await Expect.RefusalAsync(ErrorKind.PermissionDenied,
            () => registry.Requests.CancelAsync(productionManager, new PendingRequestName(name, 1, "Staging")), "You need Manage", "cancel someone else's request");

        Assert.Equal(RequestStatus.Pending, (await registry.RequestAsync(request.Id)).Status);
    }

    [Fact]
    public async Task Pending_moves_of_a_version_are_its_open_requests_newest_first_from_its_stage()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.Staging, Stage.None);
        var reader = await registry.UserAsync(Roles.Reader);
        var toProduction = await registry.Requests.CreateAsync(reader, name, 1, "Production", comment: "first");
        var closed = await registry.Requests.CreateAsync(reader, name, 1, "None");
        await registry.Requests.RejectAsync(owner, closed.Id);
        var toArchived = await registry.Requests.CreateAsync(owner, name, 1, "Archived", comment: "second");
        await registry.Requests.CreateAsync(reader, name, 2, "Staging"); // another version's

        var pending = await registry.Requests.PendingMovesAsync(reader, name, 1);

        Assert.Equal([(toArchived.Id, "second", Stage.Staging), (toProduction.Id, "first", Stage.Staging)],
            pending.Select(p => (p.Request.Id, p.Request.Comment, p.From)));
        Assert.Equal(["User 1", "User 2"], pending.Select(p => p.Request.RequestedBy));
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Requests.PendingMovesAsync(reader, name, 3), "Version 3");
    }
}
