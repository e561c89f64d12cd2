using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;
using RegistryPortal.Security;

namespace RegistryPortal.Registry;

/// <summary>
/// Requests to move a version, for users who may not move it themselves: anyone with Read requests;
/// whoever may make the move approves or rejects; the requester or a Manage holder cancels.
/// </summary>
public sealed class TransitionRequestService(RegistryStore store)
{
    public Task<RequestView> CreateAsync(Actor actor, string modelName, int number, string stage,
        bool archiveExisting = false, string? comment = null, CancellationToken ct = default) =>
        store.WriteModelAsync(actor, async op =>
        {
            var target = Stages.Parse(stage);
            var (model, version) = await VersionService.FindAsync(op, modelName, number);
            await op.DemandAsync(model, PermissionLevel.Read, "request a transition");
            Transitions.CheckMovable(model, version, target, archiveExisting);
            var existing = await op.Db.TransitionRequests.FirstOrDefaultAsync(
                r => r.VersionId == version.Id && r.ToStage == target && r.Status == RequestStatus.Pending, op.Ct);
            if (existing is not null)
                throw RegistryError.AlreadyExists(
                    $"Version {number} of '{model.Name}' already has a pending request (#{existing.Id}) to move to {target}. Comment on it instead.");
            var request = new TransitionRequest
            {
                ModelId = model.Id, VersionId = version.Id, ToStage = target, ArchiveExisting = archiveExisting,
                Comment = comment ?? "", RequestedById = op.Actor.UserId, CreatedAt = op.Now,
            };
            op.Db.TransitionRequests.Add(request);
            await op.Db.SaveChangesAsync(op.Ct); // the request's id goes into its activity event
            op.Record(ActivityKind.Requested, model, version, comment ?? "", from: version.Stage, to: target, requestId: request.Id);
            return await ViewAsync(op, model, version, request);
        }, ct);

    /// <summary>Makes the requested move and closes the request, in one transaction.</summary>
    /// <param name="archiveExisting">The approver's choice; null keeps the requester's.</param>
    public Task<RequestView> ApproveAsync(Actor actor, int requestId, string? comment = null, bool? archiveExisting = null, CancellationToken ct = default) =>
        store.WriteModelAsync(actor, async op =>
        {
            var (model, version, request) = await FindPendingAsync(op, requestId, "approved");
            var from = version.Stage;
            await Transitions.MoveAsync(op, model, version, request.ToStage, archiveExisting ?? request.ArchiveExisting, comment ?? "", request);
            Close(op, request, RequestStatus.Approved, comment);
            op.Record(ActivityKind.Approved, model, version, comment ?? "", from: from, to: request.ToStage, requestId: request.Id);
            return await ViewAsync(op, model, version, request);
        }, ct);

    public Task<RequestView> RejectAsync(Actor actor, int requestId, string? comment = null, CancellationToken ct = default) =>
        store.WriteModelAsync(actor, async op =>
        {
            var (model, version, request) = await FindPendingAsync(op, requestId, "rejected");
            await op.DemandAsync(model, PermissionLevels.RequiredToMove(version.Stage, request.ToStage),
                $"reject a request to move version {version.Number} to {request.ToStage}");
            Close(op, request, RequestStatus.Rejected, comment);
            op.Record(ActivityKind.Rejected, model, version, comment ?? "", from: version.Stage, to: request.ToStage, requestId: request.Id);
            return await ViewAsync(op, model, version, request);
        }, ct);

    public Task<RequestView> CancelAsync(Actor actor, int requestId, string? comment = null, CancellationToken ct = default) =>
        store.WriteModelAsync(actor, async op =>
        {
            var (model, version, request) = await FindPendingAsync(op, requestId, "cancelled");
            if (request.RequestedById != op.Actor.UserId)
                await op.DemandAsync(model, PermissionLevel.Manage, "cancel someone else's request");
            else
                await op.DemandAsync(model, PermissionLevel.Read, "cancel your request");
            Close(op, request, RequestStatus.Cancelled, comment);
            op.Record(ActivityKind.Cancelled, model, version, comment ?? "", to: request.ToStage, requestId: request.Id);
            return await ViewAsync(op, model, version, request);
        }, ct);

    /// <summary>Requests of one version (or of every version of the model when <paramref name="number"/> is null), newest first.</summary>
    public Task<IReadOnlyList<RequestView>> ListAsync(Actor actor, string modelName, int? number = null, bool pendingOnly = true, CancellationToken ct = default) =>
        store.ReadAsync<IReadOnlyList<RequestView>>(actor, async op =>
        {
            var model = await op.Db.ModelAsync(modelName, op.Ct);
            await op.DemandAsync(model, PermissionLevel.Read, "see its transition requests");
            return await ListAsync(op, model, number, pendingOnly);
        }, ct);

    /// <summary>The same, inside an operation that has found the model and checked Read.</summary>
    internal static async Task<IReadOnlyList<RequestView>> ListAsync(OperationContext op, RegisteredModel model, int? number, bool pendingOnly)
    {
        var requests = op.Db.TransitionRequests.Include(r => r.Version).Where(r => r.ModelId == model.Id);
        if (number is { } n) requests = requests.Where(r => r.Version!.Number == n);
        if (pendingOnly) requests = requests.Where(r => r.Status == RequestStatus.Pending);
        var list = await requests.OrderByDescending(r => r.Id).ToListAsync(op.Ct);
        var names = await op.Db.UserNamesAsync(list.SelectMany(r => new[] { r.RequestedById, r.ResolvedById }), op.Ct);
        return list.Select(r => ToView(model, r.Version!, r, names)).ToList();
    }

    private static async Task<(RegisteredModel, ModelVersion, TransitionRequest)> FindPendingAsync(OperationContext op, int requestId, string verb)
    {
        // The model first, locked, then what its other writers may be changing.
        var modelId = await op.Db.TransitionRequests.Where(r => r.Id == requestId).Select(r => (int?)r.ModelId).FirstOrDefaultAsync(op.Ct);
        if (modelId is { } id) await op.LockModelAsync(id);
        var request = await op.Db.TransitionRequests.FirstOrDefaultAsync(r => r.Id == requestId, op.Ct);
        var model = request is null ? null : await op.Db.Models.FirstAsync(m => m.Id == request.ModelId, op.Ct);
        if (request is null || model is null || !(await op.LevelOnAsync(model)).Allows(Ability.Read))
            throw RegistryError.NotFound($"Transition request #{requestId} does not exist.");
        var version = await op.Db.Versions.FirstAsync(v => v.Id == request.VersionId, op.Ct);
        if (request.Status != RequestStatus.Pending)
            throw RegistryError.Conflict(
                $"Request #{requestId} to move version {version.Number} of '{model.Name}' to {request.ToStage} is already {request.Status.ToString().ToLowerInvariant()}; it can no longer be {verb}. Reload to see its state.");
        return (model, version, request);
    }

    private static void Close(OperationContext op, TransitionRequest request, RequestStatus status, string? comment)
    {
        request.Status = status;
        request.ResolvedById = op.Actor.UserId;
        request.ResolvedAt = op.Now;
        request.ResolutionComment = comment ?? "";
    }

    private static async Task<RequestView> ViewAsync(OperationContext op, RegisteredModel model, ModelVersion version, TransitionRequest request) =>
        ToView(model, version, request, await op.Db.UserNamesAsync([request.RequestedById, request.ResolvedById], op.Ct));

    private static RequestView ToView(RegisteredModel model, ModelVersion version, TransitionRequest r, Func<string?, string> names) =>
        new(r.Id, model.Name, version.Number, r.ToStage, r.ArchiveExisting, r.Comment, names(r.RequestedById), r.RequestedById,
            r.CreatedAt, r.Status, names(r.ResolvedById), r.ResolvedAt, r.ResolutionComment);

    /// <summary>
    /// The pending request to move a version to <paramref name="stage"/> (there is at most one), for callers that
    /// name requests by version and stage rather than by id (Databricks' API). With <paramref name="creator"/>
    /// (a user name, email or display name), only a request by that user counts.
    /// </summary>
    public Task<PendingRequest> PendingAsync(Actor actor, string modelName, int number, string stage, string? creator = null, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            var target = Stages.Parse(stage);
            var (model, version) = await VersionService.FindAsync(op, modelName, number);
            await op.DemandAsync(model, PermissionLevel.Read, "see its transition requests");
            var request = await op.Db.TransitionRequests.FirstOrDefaultAsync(
                    r => r.VersionId == version.Id && r.ToStage == target && r.Status == RequestStatus.Pending, op.Ct)
                ?? throw RegistryError.NotFound($"Version {number} of '{model.Name}' has no pending request to move to {target}.");
            if (creator is not null)
            {
                var requester = await op.Db.Users.Where(u => u.Id == request.RequestedById)
                    .Select(u => new { u.UserName, u.Email, u.DisplayName }).FirstOrDefaultAsync(op.Ct);
                string?[] namesOfRequester = [requester?.UserName, requester?.Email, requester?.DisplayName];
                if (!namesOfRequester.Any(n => !string.IsNullOrEmpty(n) && string.Equals(n, creator.Trim(), StringComparison.OrdinalIgnoreCase)))
                    throw RegistryError.NotFound(
                        $"Version {number} of '{model.Name}' has no pending request by '{creator}' to move to {target}.");
            }
            return new PendingRequest(await ViewAsync(op, model, version, request), version.Stage);
        }, ct);
}

/// <summary>A pending request and the stage its version is in now (the stage the requested move starts from).</summary>
public sealed record PendingRequest(RequestView Request, Stage VersionStage);
