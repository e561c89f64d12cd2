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
            if (await PendingOfAsync(op, version, target) is { } existing)
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
        store.WriteModelAsync(actor, async op => await ApproveAsync(op, await FindPendingAsync(op, requestId, "approved"), comment, archiveExisting), ct);

    public Task<RequestView> RejectAsync(Actor actor, int requestId, string? comment = null, CancellationToken ct = default) =>
        store.WriteModelAsync(actor, async op => await RejectAsync(op, await FindPendingAsync(op, requestId, "rejected"), comment), ct);

    public Task<RequestView> CancelAsync(Actor actor, int requestId, string? comment = null, CancellationToken ct = default) =>
        store.WriteModelAsync(actor, async op => await CancelAsync(op, await FindPendingAsync(op, requestId, "cancelled"), comment), ct);

    /// <summary>
    /// Approves the pending request named by version and stage (Databricks' way): finding it and the move are one
    /// transaction, so the request approved is the one that was pending, and the stage answered is the one it left.
    /// </summary>
    public Task<RequestMove> ApproveAsync(Actor actor, PendingRequestName name, string? comment = null, bool? archiveExisting = null, CancellationToken ct = default) =>
        store.WriteModelAsync(actor, async op =>
        {
            var found = await FindPendingAsync(op, name);
            var from = found.Version.Stage;
            return new RequestMove(await ApproveAsync(op, found, comment, archiveExisting), from);
        }, ct);

    /// <summary>Rejects the pending request named by version and stage, in one transaction with finding it.</summary>
    public Task<RequestMove> RejectAsync(Actor actor, PendingRequestName name, string? comment = null, CancellationToken ct = default) =>
        store.WriteModelAsync(actor, async op =>
        {
            var found = await FindPendingAsync(op, name);
            return new RequestMove(await RejectAsync(op, found, comment), found.Version.Stage);
        }, ct);

    /// <summary>Cancels the pending request named by version, stage and (with <see cref="PendingRequestName.Creator"/>) its requester, in one transaction.</summary>
    public Task<RequestMove> CancelAsync(Actor actor, PendingRequestName name, string? comment = null, CancellationToken ct = default) =>
        store.WriteModelAsync(actor, async op =>
        {
            var found = await FindPendingAsync(op, name);
            return new RequestMove(await CancelAsync(op, found, comment), found.Version.Stage);
        }, ct);

    private static async Task<RequestView> ApproveAsync(OperationContext op, Found found, string? comment, bool? archiveExisting)
    {
        var (model, version, request) = found;
        await Transitions.MoveAsync(op, model, version, request.ToStage, archiveExisting ?? request.ArchiveExisting, comment ?? "", request);
        Close(op, request, RequestStatus.Approved, comment);
        return await ViewAsync(op, model, version, request);
    }

    private static async Task<RequestView> RejectAsync(OperationContext op, Found found, string? comment)
    {
        var (model, version, request) = found;
        await op.DemandAsync(model, PermissionLevels.RequiredToMove(version.Stage, request.ToStage),
            $"reject a request to move version {version.Number} to {request.ToStage}");
        Close(op, request, RequestStatus.Rejected, comment);
        op.Record(ActivityKind.Rejected, model, version, comment ?? "", from: version.Stage, to: request.ToStage, requestId: request.Id);
        return await ViewAsync(op, model, version, request);
    }

    private static async Task<RequestView> CancelAsync(OperationContext op, Found found, string? comment)
    {
        var (model, version, request) = found;
        if (request.RequestedById != op.Actor.UserId)
            await op.DemandAsync(model, PermissionLevel.Manage, "cancel someone else's request");
        else
            await op.DemandAsync(model, PermissionLevel.Read, "cancel your request");
        Close(op, request, RequestStatus.Cancelled, comment);
        op.Record(ActivityKind.Cancelled, model, version, comment ?? "", to: request.ToStage, requestId: request.Id);
        return await ViewAsync(op, model, version, request);
    }

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

    /// <summary>The pending requests of one version, newest first, each with the stage its move starts from (the version's stage now).</summary>
    public Task<IReadOnlyList<RequestMove>> PendingMovesAsync(Actor actor, string modelName, int number, CancellationToken ct = default) =>
        store.ReadAsync<IReadOnlyList<RequestMove>>(actor, async op =>
        {
            var (model, version) = await VersionService.FindAsync(op, modelName, number);
            var pending = await op.Db.TransitionRequests.Where(r => r.VersionId == version.Id && r.Status == RequestStatus.Pending)
                .OrderByDescending(r => r.Id).ToListAsync(op.Ct);
            var names = await op.Db.UserNamesAsync(pending.Select(r => r.RequestedById), op.Ct);
            return pending.Select(r => new RequestMove(ToView(model, version, r, names), version.Stage)).ToList();
        }, ct);

    private sealed record Found(RegisteredModel Model, ModelVersion Version, TransitionRequest Request);

    private static async Task<Found> FindPendingAsync(OperationContext op, int requestId, string verb)
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
        return new Found(model, version, request);
    }

    /// <summary>
    /// The pending request to move a version to a stage (there is at most one), named as Databricks' API names it; with a
    /// creator (a user name, email or display name), only a request by that user counts. The model is locked first.
    /// </summary>
    private static async Task<Found> FindPendingAsync(OperationContext op, PendingRequestName name)
    {
        var target = Stages.Parse(name.Stage);
        var (model, version) = await VersionService.FindAsync(op, name.ModelName, name.Version);
        var request = await PendingOfAsync(op, version, target)
            ?? throw RegistryError.NotFound($"Version {version.Number} of '{model.Name}' has no pending request to move to {target}.");
        if (name.Creator is { } creator && !await IsRequesterAsync(op, request, creator))
            throw RegistryError.NotFound($"Version {version.Number} of '{model.Name}' has no pending request by '{creator}' to move to {target}.");
        return new Found(model, version, request);
    }

    private static Task<TransitionRequest?> PendingOfAsync(OperationContext op, ModelVersion version, Stage target) =>
        op.Db.TransitionRequests.FirstOrDefaultAsync(r => r.VersionId == version.Id && r.ToStage == target && r.Status == RequestStatus.Pending, op.Ct);

    private static async Task<bool> IsRequesterAsync(OperationContext op, TransitionRequest request, string user)
    {
        var requester = await op.Db.Users.Where(u => u.Id == request.RequestedById)
            .Select(u => new { u.UserName, u.Email, u.DisplayName }).FirstOrDefaultAsync(op.Ct);
        string?[] namesOfRequester = [requester?.UserName, requester?.Email, requester?.DisplayName];
        return namesOfRequester.Any(n => !string.IsNullOrEmpty(n) && string.Equals(n, user.Trim(), StringComparison.OrdinalIgnoreCase));
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

    internal static RequestView ToView(RegisteredModel model, ModelVersion version, TransitionRequest r, Func<string?, string> names) =>
        new(r.Id, model.Name, version.Number, r.ToStage, r.ArchiveExisting, r.Comment, names(r.RequestedById), r.RequestedById,
            r.CreatedAt, r.Status, names(r.ResolvedById), r.ResolvedAt, r.ResolutionComment);
}

/// <summary>
/// A pending request named as Databricks names it: by model, version and target stage (a version has at most one
/// pending request per stage) and, where the caller says so, by its requester (user name, email or display name).
/// </summary>
public sealed record PendingRequestName(string ModelName, int Version, string Stage, string? Creator = null);

/// <summary>A request and the stage its move starts from: the version's stage while the request was pending.</summary>
public sealed record RequestMove(RequestView Request, Stage From);
