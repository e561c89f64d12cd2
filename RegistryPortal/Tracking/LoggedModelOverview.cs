using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Security;

namespace RegistryPortal.Tracking;

/// <summary>What the logged model's page shows, read in one operation.</summary>
public sealed record LoggedModelOverview(
    LoggedModelDetails Model, string ExperimentName,
    /// <summary>The name of the run that logged it; null when it was logged outside a run or the run is gone.</summary>
    string? SourceRunName,
    /// <summary>The versions registered from it that the caller may see, newest first.</summary>
    IReadOnlyList<VersionView> Versions,
    /// <summary>Whether the caller may register a version from it now: it is READY and they hold the Editor role.</summary>
    bool MayRegister);

public sealed partial class LoggedModelService
{
    public Task<LoggedModelOverview> OverviewAsync(Actor actor, string modelId, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            TrackingRules.DemandRead(op);
            var model = await FindDetailsAsync(op, modelId, allowDeleted: false);
            var info = model.Info;
            var experiment = await ExperimentService.NameAsync(op, info.ExperimentId);
            var runName = info.SourceRunId.Length == 0 ? null
                : await op.Db.Runs.Where(r => r.Id == info.SourceRunId).Select(r => r.Name).FirstOrDefaultAsync(op.Ct);
            return new LoggedModelOverview(model, experiment, runName, await VersionService.FromLoggedModelAsync(op, modelId),
                MayRegister: info.Status == LoggedModelStatuses.Ready && op.Access.RoleLevel.Allows(Ability.Edit));
        }, ct);
}
