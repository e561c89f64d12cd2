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
        return new VersionDetails(
            view, level, Moves(version, level), DeleteBlockedBecause(model, version, level),
            requests.Select(r => new OpenRequest(r,
                MayReview: level.MayMove(version.Stage, r.ToStage),
                MayCancel: r.RequestedById == op.Actor.UserId || level.Allows(Ability.Manage))).ToList(),
            activity, await RunAsync(op, version.RunId), await LoggedModelAsync(op, version.LoggedModelId));
    }

    /// <summary>Only READY versions move; to any stage but their own, directly where the level allows it.</summary>
    private static List<StageMove> Moves(ModelVersion version, PermissionLevel level) =>
        version.Status != VersionStatus.Ready ? []
        : Stages.All.Where(s => s != version.Stage).Select(s => new StageMove(s, level.MayMove(version.Stage, s))).ToList();

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
