using Microsoft.EntityFrameworkCore;
using RegistryPortal.Registry;
using RegistryPortal.Security;

namespace RegistryPortal.Tracking;

/// <summary>An experiment as the experiments list shows it; times are epoch milliseconds.</summary>
public sealed record ExperimentSummary(int Id, string Name, long CreationTime, long LastUpdateTime, int RunCount);

public sealed partial class ExperimentService
{
    /// <summary>
    /// Active experiments whose name contains <paramref name="nameContains"/> ignoring case (null: all),
    /// newest first, each with its number of active runs.
    /// </summary>
    public Task<Page<ExperimentSummary>> ListAsync(Actor actor, string? nameContains = null, int pageIndex = 0, int pageSize = 25, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            TrackingRules.DemandRead(op);
            var experiments = op.Db.Experiments.Where(e => e.LifecycleStage == LifecycleStages.Active);
            if (!string.IsNullOrWhiteSpace(nameContains))
            {
                var lowered = nameContains.Trim().ToLowerInvariant();
                experiments = experiments.Where(e => e.Name.ToLower().Contains(lowered));
            }
            var total = await experiments.CountAsync(op.Ct);
            pageSize = Math.Clamp(pageSize, 1, 1000);
            pageIndex = Math.Max(0, pageIndex);
            var items = await experiments.OrderByDescending(e => e.Id).Skip(pageIndex * pageSize).Take(pageSize)
                .Select(e => new ExperimentSummary(e.Id, e.Name, e.CreationTime, e.LastUpdateTime,
                    op.Db.Runs.Count(r => r.ExperimentId == e.Id && r.LifecycleStage == LifecycleStages.Active)))
                .ToListAsync(op.Ct);
            return new Page<ExperimentSummary>(items, total, pageIndex, pageSize);
        }, ct);
}
