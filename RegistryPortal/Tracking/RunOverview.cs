using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Security;

namespace RegistryPortal.Tracking;

/// <summary>What the run page shows, read in one operation.</summary>
public sealed record RunOverview(
    RunDetails Run, string ExperimentName,
    /// <summary>The display name of who logged the run; their id when the account is gone; "—" when nobody is recorded.</summary>
    string CreatedBy,
    /// <summary>Every value of each metric the run logged, in the order of <see cref="RunDetails.LatestMetrics"/>.</summary>
    IReadOnlyList<MetricHistory> Histories,
    /// <summary>Whether the caller may register a version from the run's models: it takes the Editor role.</summary>
    bool MayRegister);

public sealed record MetricHistory(string Key, IReadOnlyList<RunMetric> Values);

public sealed partial class RunService
{
    public Task<RunOverview> OverviewAsync(Actor actor, string runId, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            TrackingRules.DemandRead(op);
            var run = await DetailsAsync(op, await FindAsync(op, runId));
            var info = run.Info;
            var experiment = await ExperimentService.NameAsync(op, info.ExperimentId);
            var names = await UserNamesAsync(op, [info.UserId]);
            var createdBy = names.GetValueOrDefault(info.UserId, string.IsNullOrEmpty(info.UserId) ? "—" : info.UserId);
            var values = (await InHistoryOrder(op.Db.RunMetrics.Where(m => m.RunId == info.Id)).ToListAsync(op.Ct)).ToLookup(m => m.Key);
            var histories = run.LatestMetrics.Select(m => new MetricHistory(m.Key, values[m.Key].ToList())).ToList();
            return new RunOverview(run, experiment, createdBy, histories, MayRegister: op.Access.RoleLevel.Allows(Ability.Edit));
        }, ct);

    /// <summary>
    /// The display names of the users who started runs, by user id. A user id the portal does not know
    /// (a name an MLflow client sent) is left out: show it as it is.
    /// </summary>
    private static async Task<IReadOnlyDictionary<string, string>> UserNamesAsync(OperationContext op, IEnumerable<string> userIds)
    {
        var wanted = userIds.Where(id => !string.IsNullOrEmpty(id)).Distinct().ToList();
        return await op.Db.Users.Where(u => wanted.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => string.IsNullOrWhiteSpace(u.DisplayName) ? u.UserName ?? u.Id : u.DisplayName, op.Ct);
    }
}
