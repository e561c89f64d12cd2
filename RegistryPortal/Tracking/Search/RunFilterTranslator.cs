using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using RegistryPortal.Data;
using RegistryPortal.Registry.Search;
using RegistryPortal.Search;
using static RegistryPortal.Search.FilterExpressions;

namespace RegistryPortal.Tracking.Search;

/// <summary>
/// Runs filters and order_by as LINQ that EF Core turns into SQL: one WHERE per comparison (so AND).
/// <list type="bullet">
/// <item>Params and tags: EXISTS on their table with the key and the test, so a run without the key never
/// matches, also not for '!=' (as MLflow's SQL store joins).</item>
/// <item>Metrics compare each key's latest value: the row with the highest step, then the latest timestamp,
/// then the last logged (the rule <see cref="RunService"/> shows) — a row no other row of its key outranks.</item>
/// <item>Text as the registry filter (see <see cref="FilterTranslator"/>): '=' exact, LIKE case-sensitive,
/// ILIKE not.</item>
/// </list>
/// Values are captured variables, so they reach the database as parameters.
/// </summary>
internal static class RunFilterTranslator
{
    public static IQueryable<Run> Apply(IQueryable<Run> runs, RegistryDbContext db, IEnumerable<RunComparison> comparisons)
    {
        foreach (var c in comparisons)
        {
            var key = c.Target.Key;
            runs = c.Target.Entity switch
            {
                RunEntity.Param => WithParam(runs, db.RunParams.Where(p => p.Key == key).Where(Compose<RunParam, string>(p => p.Value, Text(db, c)))),
                RunEntity.Tag => WithTag(runs, db.RunTags.Where(t => t.Key == key).Where(Compose<RunTag, string>(t => t.Value, Text(db, c)))),
                RunEntity.Metric => WithMetric(runs, Latest(db, key).Where(Compose<RunMetric, double>(m => m.Value, Number(c.Operator, c.Number!.Value)))),
                _ => c.Target.Attribute switch
                {
                    RunAttribute.RunId => runs.Where(Compose<Run, string>(r => r.Id, Text(db, c))),
                    RunAttribute.RunName => runs.Where(Compose<Run, string>(r => r.Name, Text(db, c))),
                    RunAttribute.Status => runs.Where(Compose<Run, string>(r => r.Status, Text(db, c))),
                    RunAttribute.StartTime => runs.Where(Compose<Run, long>(r => r.StartTime, Whole(c))),
                    // A run still going has no end time: it matches no comparison of it (SQL's NULL), '!=' neither.
                    RunAttribute.EndTime => runs.Where(r => r.EndTime != null).Where(Compose<Run, long>(r => r.EndTime!.Value, Whole(c))),
                    _ => throw Unsupported(c),
                },
            };
        }
        return runs;
    }

    /// <summary>The rows holding each run's latest value of a metric: no row of the same run and key outranks them.</summary>
    internal static IQueryable<RunMetric> Latest(RegistryDbContext db, string key) =>
        db.RunMetrics.Where(m => m.Key == key && !db.RunMetrics.Any(n => n.RunId == m.RunId && n.Key == key
            && (n.Step > m.Step || (n.Step == m.Step && (n.Timestamp > m.Timestamp || (n.Timestamp == m.Timestamp && n.Id > m.Id))))));

    // The captured IQueryable is inlined by EF Core into the outer query: WHERE EXISTS (SELECT … FROM params …).
    private static IQueryable<Run> WithParam(IQueryable<Run> runs, IQueryable<RunParam> matching) => runs.Where(r => matching.Any(p => p.RunId == r.Id));

    private static IQueryable<Run> WithTag(IQueryable<Run> runs, IQueryable<RunTag> matching) => runs.Where(r => matching.Any(t => t.RunId == r.Id));

    private static IQueryable<Run> WithMetric(IQueryable<Run> runs, IQueryable<RunMetric> matching) => runs.Where(r => matching.Any(m => m.RunId == r.Id));

    internal static Expression<Func<string, bool>> Text(RegistryDbContext db, RunComparison c) =>
        c.Operator is FilterOperator.Equal or FilterOperator.NotEqual or FilterOperator.Like or FilterOperator.ILike
            ? FilterExpressions.Text(db, c.Operator, c.Text ?? throw Unsupported(c))
            : throw Unsupported(c);

    internal static Expression<Func<double, bool>> Number(FilterOperator op, double n) => Compare(op, n);

    /// <summary>A time in whole milliseconds.</summary>
    internal static Expression<Func<long, bool>> Whole(RunComparison c) => Compare(c.Operator, (long)c.Number!.Value);

    internal static InvalidOperationException Unsupported(RunComparison c) =>
        new($"The parser let through a comparison this search cannot translate: {c}.");
}
