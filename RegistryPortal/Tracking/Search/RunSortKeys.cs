using System.Linq.Expressions;
using RegistryPortal.Data;
using RegistryPortal.Registry.Search;

namespace RegistryPortal.Tracking.Search;

/// <summary>
/// A runs search's complete order as the registry searches' <see cref="SearchOrder{T}"/> (ORDER BY and the
/// keyset "after the cursor" WHERE): the order_by clauses, runs without the key last in both directions as in
/// MLflow, then start_time DESC and run_id, so no two runs tie. A metric's latest value is a subquery, so a
/// page's cursor is taken from what was read with its last run (<see cref="SortKeys{T, TItem}.Cursor"/>), not from the row itself.
/// </summary>
internal static class RunSortKeys
{
    public static SortKeys<Run, RunDetails> For(RegistryDbContext db, IReadOnlyList<RunOrder> orders)
    {
        var sort = new SortKeys<Run, RunDetails>();
        foreach (var order in orders)
        {
            var key = order.Key.Key;
            var asc = !order.Descending;
            switch (order.Key.Entity)
            {
                case RunEntity.Metric:
                    sort.Missing($"metric:{key}", r => db.RunMetrics.Any(m => m.RunId == r.Id && m.Key == key), d => d.LatestMetrics.Any(m => m.Key == key));
                    sort.Add(SortColumns.Real<Run>($"metric:{key}", r => db.RunMetrics.Where(m => m.RunId == r.Id && m.Key == key)
                            .OrderByDescending(m => m.Step).ThenByDescending(m => m.Timestamp).ThenByDescending(m => m.Id)
                            .Select(m => (double?)m.Value).FirstOrDefault()), asc,
                        d => SortColumns.Write(d.LatestMetrics.FirstOrDefault(m => m.Key == key)?.Value));
                    break;
                case RunEntity.Param:
                    sort.Missing($"param:{key}", r => db.RunParams.Any(p => p.RunId == r.Id && p.Key == key), d => d.Params.Any(p => p.Key == key));
                    sort.Add(SortColumns.Text<Run>($"param:{key}", r => db.RunParams.Where(p => p.RunId == r.Id && p.Key == key).Select(p => p.Value).FirstOrDefault()!),
                        asc, d => d.Params.FirstOrDefault(p => p.Key == key)?.Value);
                    break;
                case RunEntity.Tag:
                    sort.Missing($"tag:{key}", r => db.RunTags.Any(t => t.RunId == r.Id && t.Key == key), d => d.Tags.Any(t => t.Key == key));
                    sort.Add(SortColumns.Text<Run>($"tag:{key}", r => db.RunTags.Where(t => t.RunId == r.Id && t.Key == key).Select(t => t.Value).FirstOrDefault()!),
                        asc, d => d.Tags.FirstOrDefault(t => t.Key == key)?.Value);
                    break;
                default:
                    switch (order.Key.Attribute)
                    {
                        case RunAttribute.RunId: sort.Add(SortColumns.Text<Run>("run_id", r => r.Id), asc, d => d.Info.Id); break;
                        case RunAttribute.RunName: sort.Add(SortColumns.Text<Run>("run_name", r => r.Name), asc, d => d.Info.Name); break;
                        case RunAttribute.Status: sort.Add(SortColumns.Text<Run>("status", r => r.Status), asc, d => d.Info.Status); break;
                        case RunAttribute.StartTime: sort.Add(SortColumns.Long<Run>("start_time", r => r.StartTime), asc, d => SortColumns.Write(d.Info.StartTime)); break;
                        case RunAttribute.EndTime:
                            sort.Missing("end_time", r => r.EndTime != null, d => d.Info.EndTime != null);
                            sort.Add(SortColumns.Long<Run>("end_time", r => r.EndTime), asc, d => SortColumns.Write(d.Info.EndTime));
                            break;
                        default: throw new InvalidOperationException($"The parser let through an order_by this search cannot translate: {order}.");
                    }
                    break;
            }
        }
        // MLflow's default order, and the tie-break after any other: newest first, then by id so pages are stable.
        sort.Add(SortColumns.Long<Run>("start_time", r => r.StartTime), false, d => SortColumns.Write(d.Info.StartTime));
        sort.Add(SortColumns.Text<Run>("run_id", r => r.Id), true, d => d.Info.Id);
        return sort;
    }
}

/// <summary>
/// A tracking search's sort keys (runs, logged models): each a column of <typeparamref name="T"/> and how to read its
/// value back from a read item (<typeparamref name="TItem"/>), so a page's cursor comes from what was read with it.
/// </summary>
internal sealed class SortKeys<T, TItem>
{
    private readonly List<(SortColumn<T> Column, bool Ascending)> keys = [];
    private readonly List<Func<TItem, string?>> values = [];

    public SearchOrder<T> Order => SearchOrder<T>.Of(keys);

    /// <summary>The cursor of an item of the page: its value of every sort key, in order.</summary>
    public IReadOnlyList<string?> Cursor(TItem item) => values.Select(v => v(item)).ToList();

    public void Add(SortColumn<T> column, bool ascending, Func<TItem, string?> valueOf)
    {
        keys.Add((column, ascending));
        values.Add(valueOf);
    }

    /// <summary>0 for rows that have the key, 1 for those without: ascending puts them last whichever way the value sorts.</summary>
    public void Missing(string id, Expression<Func<T, bool>> has, Func<TItem, bool> hasIn) =>
        Add(SortColumns.Number(id + ":missing", Expression.Lambda<Func<T, int>>(
                Expression.Condition(has.Body, Expression.Constant(0), Expression.Constant(1)), has.Parameters)),
            true, d => SortColumns.Write(hasIn(d) ? 0 : 1));
}
