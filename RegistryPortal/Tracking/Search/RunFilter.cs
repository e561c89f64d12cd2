using RegistryPortal.Data;
using RegistryPortal.Domain;

namespace RegistryPortal.Tracking.Search;

/// <summary>
/// A parsed runs filter (MLflow's search_runs syntax): comparisons joined with AND, such as
/// <c>metrics.auc &gt; 0.9 AND params.model = 'xgboost' AND attributes.status = 'FINISHED'</c>.
/// Used by the experiment page and the HTTP API.
/// </summary>
public sealed class RunFilter
{
    private RunFilter(IReadOnlyList<RunComparison> comparisons) => Comparisons = comparisons;

    /// <summary>The comparisons, all of which a run must satisfy; none for an empty filter.</summary>
    public IReadOnlyList<RunComparison> Comparisons { get; }

    /// <summary>Parses a filter; throws <see cref="RegistryError"/> (invalid value) saying where and what.</summary>
    public static RunFilter Parse(string? text) => new(RunFilterParser.ParseFilter(text));

    /// <summary>Parses order_by clauses (<c>metrics.auc DESC</c>, <c>params.lr</c>, <c>attributes.start_time</c>);
    /// throws <see cref="RegistryError"/> (invalid value) naming the clause, where and what.</summary>
    public static IReadOnlyList<RunOrder> ParseOrderBy(IEnumerable<string>? clauses) =>
        (clauses ?? []).Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => RunFilterParser.ParseOrder(c)).ToList();

    public IQueryable<Run> ApplyTo(IQueryable<Run> runs, RegistryDbContext db) => RunFilterTranslator.Apply(runs, db, Comparisons);

    /// <summary>Sorts by <paramref name="orders"/>, runs without the key last, then newest first and by id (see <see cref="RunSortKeys"/>).</summary>
    public static IOrderedQueryable<Run> Order(IQueryable<Run> runs, RegistryDbContext db, IReadOnlyList<RunOrder> orders) =>
        RunSortKeys.For(db, orders).Order.Apply(runs);
}
