using Microsoft.EntityFrameworkCore;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using RegistryPortal.Tracking.Search;

namespace RegistryPortal.Tracking;

/// <summary>
/// A search of runs: <paramref name="Filter"/> in MLflow's search_runs syntax (see <see cref="RunFilter"/>),
/// <paramref name="OrderBy"/> clauses such as <c>metrics.auc DESC</c>, and a page.
/// </summary>
public sealed record RunQuery(string? Filter = null, IReadOnlyList<string>? OrderBy = null, int PageIndex = 0, int PageSize = 100);

/// <summary>The param and metric names logged in some experiments' runs, sorted: the columns of a runs table.</summary>
public sealed record RunColumns(IReadOnlyList<string> Params, IReadOnlyList<string> Metrics);

public sealed partial class RunService
{
    /// <summary>MLflow's limit for one page of a search (SEARCH_MAX_RESULTS_THRESHOLD).</summary>
    public const int MaxPageSize = 50_000;

    /// <summary>
    /// The active runs of some experiments that match the query's filter, in its order (newest first by
    /// default), a page at a time, with their params, tags and latest metrics. A filter or order_by that
    /// does not parse is refused as an invalid value saying where and what.
    /// </summary>
    public Task<Page<RunDetails>> SearchAsync(Actor actor, IReadOnlyList<int> experimentIds, RunQuery query, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            TrackingRules.DemandRead(op);
            var filter = RunFilter.Parse(query.Filter);
            var orders = RunFilter.ParseOrderBy(query.OrderBy);
            var ids = experimentIds.ToList();
            var runs = filter.ApplyTo(op.Db.Runs.Where(r => ids.Contains(r.ExperimentId) && r.LifecycleStage == LifecycleStages.Active), op.Db);
            var total = await runs.CountAsync(op.Ct);
            var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
            var pageIndex = Math.Max(0, query.PageIndex);
            var page = await RunFilter.Order(runs, op.Db, orders).Skip(pageIndex * pageSize).Take(pageSize)
                .Include(r => r.Params).Include(r => r.Tags).AsSplitQuery().ToListAsync(op.Ct);
            var latest = await LatestMetricsAsync(op, page.Select(r => r.Id).ToList());
            var items = page.Select(r => new RunDetails(r, r.Params.OrderBy(p => p.Key, StringComparer.Ordinal).ToList(),
                r.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).ToList(), latest.Where(m => m.RunId == r.Id).ToList())).ToList();
            return new Page<RunDetails>(items, total, pageIndex, pageSize);
        }, ct);

    /// <summary>Every param and metric name logged in the active runs of some experiments.</summary>
    public Task<RunColumns> ColumnsAsync(Actor actor, IReadOnlyList<int> experimentIds, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            TrackingRules.DemandRead(op);
            var ids = experimentIds.ToList();
            var runs = op.Db.Runs.Where(r => ids.Contains(r.ExperimentId) && r.LifecycleStage == LifecycleStages.Active).Select(r => r.Id);
            var parameters = await op.Db.RunParams.Where(p => runs.Contains(p.RunId)).Select(p => p.Key).Distinct().ToListAsync(op.Ct);
            var metrics = await op.Db.RunMetrics.Where(m => runs.Contains(m.RunId)).Select(m => m.Key).Distinct().ToListAsync(op.Ct);
            return new RunColumns(parameters.Order(StringComparer.Ordinal).ToList(), metrics.Order(StringComparer.Ordinal).ToList());
        }, ct);

    /// <summary>
    /// The display names of the users who started runs, by user id. A user id the portal does not know
    /// (a name an MLflow client sent) is left out: show it as it is.
    /// </summary>
    public Task<IReadOnlyDictionary<string, string>> UserNamesAsync(Actor actor, IEnumerable<string> userIds, CancellationToken ct = default) =>
        store.ReadAsync<IReadOnlyDictionary<string, string>>(actor, async op =>
        {
            TrackingRules.DemandRead(op);
            var wanted = userIds.Where(id => !string.IsNullOrEmpty(id)).Distinct().ToList();
            return await op.Db.Users.Where(u => wanted.Contains(u.Id))
                .ToDictionaryAsync(u => u.Id, u => string.IsNullOrWhiteSpace(u.DisplayName) ? u.UserName ?? u.Id : u.DisplayName, op.Ct);
        }, ct);
}
