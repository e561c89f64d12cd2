using System.Globalization;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore.Query;
using RegistryPortal.Data;

namespace RegistryPortal.Tracking.Search;

/// <summary>
/// One column of a runs search's order, with what keyset paging needs: the ORDER BY, the "equal to" and
/// "comes after" tests in SQL, and the value of a run already read (written into a page token as text).
/// </summary>
internal abstract class RunSortKey(string id, bool descending)
{
    /// <summary>"metric:auc:missing", "start_time", …: part of a page token's fingerprint.</summary>
    public string Id { get; } = id;

    public bool Descending { get; } = descending;

    public abstract IOrderedQueryable<Run> OrderBy(IQueryable<Run> runs, IOrderedQueryable<Run>? ordered);

    public abstract Expression EqualTo(ParameterExpression run, string? value);

    public abstract Expression After(ParameterExpression run, string? value);

    /// <summary>The key's value for a run of the page, computed from what was read with it.</summary>
    public abstract string? ValueOf(RunDetails run);
}

internal sealed class RunSortKey<TKey>(string id, bool descending, Expression<Func<Run, TKey>> key,
    Func<RunDetails, TKey> valueOf, Func<TKey, string?> write, Func<string?, TKey> read) : RunSortKey(id, descending)
{
    public override IOrderedQueryable<Run> OrderBy(IQueryable<Run> runs, IOrderedQueryable<Run>? ordered) =>
        ordered is null
            ? Descending ? runs.OrderByDescending(key) : runs.OrderBy(key)
            : Descending ? ordered.ThenByDescending(key) : ordered.ThenBy(key);

    public override Expression EqualTo(ParameterExpression run, string? value) => Expression.Equal(Column(run), Bound(value));

    public override Expression After(ParameterExpression run, string? value)
    {
        var column = Column(run);
        var bound = Bound(value);
        if (typeof(TKey) == typeof(string))
        {
            // string.Compare(a, b) > 0 becomes a > b in SQL, the same collation ORDER BY uses.
            var compare = Expression.Call(typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!, column, bound);
            return Descending ? Expression.LessThan(compare, Expression.Constant(0)) : Expression.GreaterThan(compare, Expression.Constant(0));
        }
        // Nullable keys compare lifted: NULL is after nothing, as SQL's NULL; the "missing" key before them orders those runs.
        return Descending ? Expression.LessThan(column, bound) : Expression.GreaterThan(column, bound);
    }

    public override string? ValueOf(RunDetails run) => write(valueOf(run));

    private Expression Column(ParameterExpression run) => ReplacingExpressionVisitor.Replace(key.Parameters[0], run, key.Body);

    // A member of a constant object, so EF Core sends the value as a SQL parameter, not inlined text.
    private Expression Bound(string? value) => Expression.Property(Expression.Constant(new Holder(read(value))), nameof(Holder.Value));

    private sealed class Holder(TKey value)
    {
        public TKey Value { get; } = value;
    }
}

/// <summary>
/// A runs search's complete order as sort keys: the order_by clauses (runs without the key last in both
/// directions, as MLflow), then start_time DESC and run_id, so no two runs tie and a cursor names one position.
/// </summary>
internal static class RunSortKeys
{
    public static IReadOnlyList<RunSortKey> For(RegistryDbContext db, IReadOnlyList<RunOrder> orders)
    {
        var keys = new List<RunSortKey>();
        foreach (var order in orders)
        {
            var key = order.Key.Key;
            var desc = order.Descending;
            switch (order.Key.Entity)
            {
                case RunEntity.Metric:
                    keys.Add(Missing($"metric:{key}", r => db.RunMetrics.Any(m => m.RunId == r.Id && m.Key == key), d => d.LatestMetrics.Any(m => m.Key == key)));
                    keys.Add(Real($"metric:{key}", desc,
                        r => db.RunMetrics.Where(m => m.RunId == r.Id && m.Key == key)
                            .OrderByDescending(m => m.Step).ThenByDescending(m => m.Timestamp).ThenByDescending(m => m.Id)
                            .Select(m => (double?)m.Value).FirstOrDefault(),
                        d => d.LatestMetrics.FirstOrDefault(m => m.Key == key)?.Value));
                    break;
                case RunEntity.Param:
                    keys.Add(Missing($"param:{key}", r => db.RunParams.Any(p => p.RunId == r.Id && p.Key == key), d => d.Params.Any(p => p.Key == key)));
                    keys.Add(Text($"param:{key}", desc, r => db.RunParams.Where(p => p.RunId == r.Id && p.Key == key).Select(p => p.Value).FirstOrDefault(),
                        d => d.Params.FirstOrDefault(p => p.Key == key)?.Value));
                    break;
                case RunEntity.Tag:
                    keys.Add(Missing($"tag:{key}", r => db.RunTags.Any(t => t.RunId == r.Id && t.Key == key), d => d.Tags.Any(t => t.Key == key)));
                    keys.Add(Text($"tag:{key}", desc, r => db.RunTags.Where(t => t.RunId == r.Id && t.Key == key).Select(t => t.Value).FirstOrDefault(),
                        d => d.Tags.FirstOrDefault(t => t.Key == key)?.Value));
                    break;
                default:
                    keys.AddRange(order.Key.Attribute switch
                    {
                        RunAttribute.RunId => [Text("run_id", desc, r => r.Id, d => d.Info.Id)],
                        RunAttribute.RunName => [Text("run_name", desc, r => r.Name, d => d.Info.Name)],
                        RunAttribute.Status => [Text("status", desc, r => r.Status, d => d.Info.Status)],
                        RunAttribute.StartTime => [Whole("start_time", desc, r => r.StartTime, d => d.Info.StartTime)],
                        RunAttribute.EndTime => [Missing("end_time", r => r.EndTime != null, d => d.Info.EndTime != null),
                            Whole("end_time", desc, r => r.EndTime, d => d.Info.EndTime)],
                        _ => throw new InvalidOperationException($"The parser let through an order_by this search cannot translate: {order}."),
                    });
                    break;
            }
        }
        // MLflow's default order, and the tie-break after any other: newest first, then by id so pages are stable.
        keys.Add(Whole("start_time", true, r => r.StartTime, d => d.Info.StartTime));
        keys.Add(Text("run_id", false, r => r.Id, d => d.Info.Id));
        return keys;
    }

    public static IOrderedQueryable<Run> Apply(IQueryable<Run> runs, IReadOnlyList<RunSortKey> keys)
    {
        IOrderedQueryable<Run>? ordered = null;
        foreach (var key in keys) ordered = key.OrderBy(runs, ordered);
        return ordered!;
    }

    /// <summary>Runs after the cursor: (k1 after v1) OR (k1 = v1 AND k2 after v2) OR …, so runs logged before it never shift a page.</summary>
    public static IQueryable<Run> After(IQueryable<Run> runs, IReadOnlyList<RunSortKey> keys, IReadOnlyList<string?> cursor)
    {
        var run = Expression.Parameter(typeof(Run), "run");
        Expression? any = null;
        for (var i = 0; i < keys.Count; i++)
        {
            var branch = keys[i].After(run, cursor[i]);
            for (var j = i - 1; j >= 0; j--) branch = Expression.AndAlso(keys[j].EqualTo(run, cursor[j]), branch);
            any = any is null ? branch : Expression.OrElse(any, branch);
        }
        return runs.Where(Expression.Lambda<Func<Run, bool>>(any!, run));
    }

    public static string Signature(IReadOnlyList<RunSortKey> keys) => string.Join(",", keys.Select(k => $"{k.Id}:{(k.Descending ? "desc" : "asc")}"));

    // 0 for runs that have the key, 1 for those without: ascending puts them last whichever way the value sorts.
    private static RunSortKey Missing(string id, Expression<Func<Run, bool>> has, Func<RunDetails, bool> hasIn) =>
        new RunSortKey<int>(id + ":missing", false, Expression.Lambda<Func<Run, int>>(
                Expression.Condition(has.Body, Expression.Constant(0), Expression.Constant(1)), has.Parameters),
            d => hasIn(d) ? 0 : 1, v => v.ToString(CultureInfo.InvariantCulture), v => int.Parse(v!, CultureInfo.InvariantCulture));

    private static RunSortKey Text(string id, bool desc, Expression<Func<Run, string?>> key, Func<RunDetails, string?> valueOf) =>
        new RunSortKey<string?>(id, desc, key, valueOf, v => v, v => v);

    private static RunSortKey Real(string id, bool desc, Expression<Func<Run, double?>> key, Func<RunDetails, double?> valueOf) =>
        new RunSortKey<double?>(id, desc, key, valueOf, v => v?.ToString("R", CultureInfo.InvariantCulture),
            v => v is null ? null : double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture));

    private static RunSortKey Whole(string id, bool desc, Expression<Func<Run, long>> key, Func<RunDetails, long> valueOf) =>
        new RunSortKey<long>(id, desc, key, valueOf, v => v.ToString(CultureInfo.InvariantCulture), v => long.Parse(v!, CultureInfo.InvariantCulture));

    private static RunSortKey Whole(string id, bool desc, Expression<Func<Run, long?>> key, Func<RunDetails, long?> valueOf) =>
        new RunSortKey<long?>(id, desc, key, valueOf, v => v?.ToString(CultureInfo.InvariantCulture),
            v => v is null ? null : long.Parse(v, CultureInfo.InvariantCulture));
}
