using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;

namespace RegistryPortal.Registry;

/// <summary>The one place a version changes stage, whether moved directly or by an approved request.</summary>
internal static class Transitions
{
    public static async Task MoveAsync(OperationContext op, RegisteredModel model, ModelVersion version, Stage target,
        bool archiveExisting, string comment, TransitionRequest? closingRequest)
    {
        var from = version.Stage;
        await op.DemandAsync(model, PermissionLevels.RequiredToMove(from, target), $"move versions {Describe(from, target)}");
        await CheckFourEyesAsync(op, model, version, from, target, closingRequest);
        CheckMovable(model, version, target, archiveExisting);

        version.Stage = target;
        version.UpdatedAt = op.Now;
        model.UpdatedAt = op.Now;
        // An approved request is one entry, "approved … and moved": the approval is the move.
        op.Record(closingRequest is null ? ActivityKind.Transitioned : ActivityKind.Approved, model, version, comment,
            from: from, to: target, requestId: closingRequest?.Id);
        await SupersedeAsync(op, model, version, target, except: closingRequest);

        if (archiveExisting || (model.OneVersionPerStage && target.AllowsArchiveExisting()))
        {
            var others = await op.Db.Versions
                .Where(v => v.ModelId == model.Id && v.Stage == target && v.Id != version.Id).ToListAsync(op.Ct);
            foreach (var other in others)
            {
                other.Stage = Stage.Archived;
                other.UpdatedAt = op.Now;
                op.Record(ActivityKind.Transitioned, model, other, from: target, to: Stage.Archived,
                    detail: $"archived because version {version.Number} moved to {target}");
                await SupersedeAsync(op, model, other, Stage.Archived, except: null);
            }
        }
    }

    /// <summary>Under four-eyes a Production move needs a request, approved by someone other than its requester.</summary>
    private static async Task CheckFourEyesAsync(OperationContext op, RegisteredModel model, ModelVersion version, Stage from, Stage target,
        TransitionRequest? closingRequest)
    {
        if (!FourEyes.Covers(from, target) || !await RegistrySettingsService.FourEyesOnAsync(op, model)) return;
        if (closingRequest is null)
            throw RegistryError.PermissionDenied(
                $"Four-eyes protection is on for '{model.Name}': nobody moves a version into or out of Production directly. " +
                $"Request the transition of version {version.Number} to {target}, and have someone else approve it.");
        if (FourEyes.ApprovalBlockedBecause(from, target, fourEyes: true, isRequester: closingRequest.RequestedById == op.Actor.UserId) is { } why)
            throw RegistryError.PermissionDenied($"You cannot approve your own request #{closingRequest.Id}. {why}");
    }

    /// <summary>The refusals shared by moves and requests: only READY versions, a real change, archive-existing where it applies.</summary>
    public static void CheckMovable(RegisteredModel model, ModelVersion version, Stage target, bool archiveExisting)
    {
        if (version.Status != VersionStatus.Ready)
            throw RegistryError.InvalidValue(
                $"Version {version.Number} of '{model.Name}' is {version.Status.WireName()}: only READY versions can change stage.");
        if (version.Stage == target)
            throw RegistryError.InvalidValue($"Version {version.Number} of '{model.Name}' is already in {target}.");
        if (archiveExisting && !target.AllowsArchiveExisting())
            throw RegistryError.InvalidValue(
                $"Archiving existing versions only applies to moves to Staging or Production, not to {target}.");
    }

    /// <summary>A version that reached <paramref name="stage"/> no longer needs its pending requests for it.</summary>
    private static async Task SupersedeAsync(OperationContext op, RegisteredModel model, ModelVersion version, Stage stage, TransitionRequest? except)
    {
        // A version has at most one pending request per stage (a unique index): the one being approved has no others.
        if (except is not null && except.VersionId == version.Id && except.ToStage == stage) return;
        var pending = await op.Db.TransitionRequests
            .Where(r => r.VersionId == version.Id && r.ToStage == stage && r.Status == RequestStatus.Pending)
            .ToListAsync(op.Ct);
        foreach (var request in pending.Where(r => r != except))
        {
            request.Status = RequestStatus.Superseded;
            request.ResolvedById = op.Actor.UserId;
            request.ResolvedAt = op.Now;
            op.Record(ActivityKind.Superseded, model, version, to: stage, requestId: request.Id,
                detail: $"request #{request.Id} closed: the version reached {stage}");
        }
    }

    private static string Describe(Stage from, Stage to) =>
        from == Stage.Production || to == Stage.Production ? "to or from Production" : "among None, Staging and Archived";
}
