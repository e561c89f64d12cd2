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

/// <summary>Searches of runs: the runs page's (numbered pages) and MLflow's runs/search (keyset page tokens).</summary>
public sealed class RunSearch(RegistryStore store)
{
    /// <summary>MLflow's limit for one page of a search (SEARCH_MAX_RESULTS_THRESHOLD).</summary>
    public const int MaxPageSize = 50_000;

    public const int SearchDefaultMaxResults = 1000;

    /// <summary>
    /// The active runs of some experiments that match the query's filter, in its order (newest first by
    /// default), a page at a time, with their params, tags and latest metrics. A filter or order_by that
    /// does not parse is refused as an invalid value saying where and what.
    /// </summary>
    public Task<Page<RunDetails>> SearchAsync(Actor actor, IReadOnlyList<int> experimentIds, RunQuery query, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            var runs = Matching(op, experimentIds, query.Filter);
            var total = await runs.CountAsync(op.Ct);
            var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
            var pageIndex = Math.Max(0, query.PageIndex);
            var order = RunSortKeys.For(op.Db, RunFilter.ParseOrderBy(query.OrderBy)).Order;
            var page = await RunService.DetailsAsync(op, order.Apply(runs).Skip(pageIndex * pageSize).Take(pageSize));
            return new Page<RunDetails>(page, total, pageIndex, pageSize);
        }, ct);

    /// <summary>
    /// The same search as MLflow's runs/search pages it: max_results runs (default 1000, at most 50,000) after the
    /// page token's cursor, a keyset token as the registry searches have (see <see cref="Registry.Search.PageToken"/>),
    /// so runs logged while a client pages never shift its pages.
    /// </summary>
    public Task<SearchPage<RunDetails>> SearchPageAsync(Actor actor, IReadOnlyList<int> experimentIds, SearchQuery query, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            var runs = Matching(op, experimentIds, query.Filter);
            var max = RegistrySearchService.MaxResults(query.MaxResults, SearchDefaultMaxResults, MaxPageSize);
            var keys = RunSortKeys.For(op.Db, RunFilter.ParseOrderBy(query.OrderBy));
            var (page, next) = await RegistrySearchService.PageAsync(runs, keys.Order, $"Runs:{string.Join(',', experimentIds.Order())}", query, max,
                rows => RunService.DetailsAsync(op, rows), keys.Cursor);
            return new SearchPage<RunDetails>(page, next);
        }, ct);

    /// <summary>The active runs of some experiments that the filter admits.</summary>
    private static IQueryable<Run> Matching(OperationContext op, IReadOnlyList<int> experimentIds, string? filterText)
    {
        TrackingRules.DemandRead(op);
        var filter = RunFilter.Parse(filterText);
        var ids = experimentIds.ToList();
        return filter.ApplyTo(op.Db.Runs.Where(r => ids.Contains(r.ExperimentId) && r.LifecycleStage == LifecycleStages.Active), op.Db);
    }

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
}
