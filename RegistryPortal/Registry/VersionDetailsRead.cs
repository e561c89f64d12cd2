using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;
using RegistryPortal.Tracking;

namespace RegistryPortal.Registry;

/// <summary>Builds <see cref="VersionDetails"/>: the rules of what the caller may do are applied here, not on the page.</summary>
internal static class VersionDetailsRead
{
    public static async Task<VersionDetails> BuildAsync(OperationContext op, RegisteredModel model, ModelVersion version, PermissionLevel level)
    {
        var view = await VersionService.ViewAsync(op, model, version);
        var requests = await TransitionRequestService.ListAsync(op, model, version.Number, pendingOnly: true);
        var activity = await ActivityService.ListAsync(op, model, version.Number);
        var fourEyes = await RegistrySettingsService.FourEyesOnAsync(op, model);
        return new VersionDetails(
            view, level, Moves(version, level, fourEyes, requests.Select(r => r.ToStage).ToHashSet()), DeleteBlockedBecause(model, version, level),
            requests.Select(r => OpenRequestOf(r, version, level, fourEyes, op.Actor.UserId)).ToList(),
            activity, await RunAsync(op, version.RunId), await LoggedModelAsync(op, version.LoggedModelId), fourEyes);
    }

    /// <summary>What <paramref name="userId"/>, at <paramref name="level"/>, may do with a pending request: the service's own rules.</summary>
    internal static OpenRequest OpenRequestOf(RequestView r, ModelVersion version, PermissionLevel level, bool fourEyes, string userId)
    {
        var mayReject = level.MayMove(version.Stage, r.ToStage);
        var blocked = mayReject ? FourEyes.ApprovalBlockedBecause(version.Stage, r.ToStage, fourEyes, r.RequestedById == userId) : null;
        return new OpenRequest(r, MayApprove: mayReject && blocked is null, mayReject,
            MayCancel: r.RequestedById == userId || level.Allows(Ability.Manage), blocked);
    }

    /// <summary>The stages a request may ask for: a request to None is no reviewer's business.</summary>
    private static readonly Stage[] Requestable = [Stage.Staging, Stage.Production, Stage.Archived];

    /// <summary>
    /// Only READY versions move: directly where the level (and four-eyes) allows it; else by a request, to a stage a
    /// reviewer decides on, unless one is pending already.
    /// </summary>
    private static List<StageMove> Moves(ModelVersion version, PermissionLevel level, bool fourEyes, HashSet<Stage> pending)
    {
        if (version.Status != VersionStatus.Ready) return [];
        var direct = Stages.All.Where(s => s != version.Stage && FourEyes.MayMoveDirectly(level, version.Stage, s, fourEyes)).ToList();
        var requests = Requestable.Where(s => s != version.Stage && !direct.Contains(s) && !pending.Contains(s));
        return [.. direct.Select(s => new StageMove(s, Direct: true)), .. requests.Select(s => new StageMove(s, Direct: false))];
    }

    private static string? DeleteBlockedBecause(RegisteredModel model, ModelVersion version, PermissionLevel level) =>
        !level.Allows(Ability.Manage) ? "Deleting a version takes the Manage permission." : VersionService.LiveGuard(model, version);

    private static async Task<SourceRun?> RunAsync(OperationContext op, string runId)
    {
        if (string.IsNullOrEmpty(runId) || !TrackingRules.MayRead(op)) return null;
        var experimentId = await op.Db.Runs.Where(r => r.Id == runId).Select(r => (int?)r.ExperimentId).FirstOrDefaultAsync(op.Ct);
        return experimentId is { } id ? new SourceRun(id, runId) : null;
    }

    private static async Task<SourceLoggedModel?> LoggedModelAsync(OperationContext op, string loggedModelId)
    {
        if (string.IsNullOrEmpty(loggedModelId) || !TrackingRules.MayRead(op)) return null;
        return await op.Db.LoggedModels.Where(m => m.Id == loggedModelId && m.LifecycleStage == LifecycleStages.Active)
            .Select(m => new SourceLoggedModel(m.ExperimentId, m.Id, m.Name)).FirstOrDefaultAsync(op.Ct);
    }
}
