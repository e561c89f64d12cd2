using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Registry.Search;
using RegistryPortal.Security;
using RegistryPortal.Tracking.Search;

namespace RegistryPortal.Tracking;

/// <summary>One order_by entry of logged-models/search: an attribute or <c>metrics.&lt;key&gt;</c>, ascending by default.</summary>
public sealed record LoggedModelOrder(string FieldName, bool Ascending = true);

/// <summary>A logged-models search: experiments, a filter (<see cref="LoggedModelFilter"/>), an order and a page.</summary>
public sealed record LoggedModelQuery(
    IReadOnlyList<int> ExperimentIds, string? Filter = null, IReadOnlyList<LoggedModelOrder>? OrderBy = null, int? MaxResults = null, string? PageToken = null);

public sealed partial class LoggedModelService
{
    /// <summary>MLflow's REST default page of logged models (the proto's max_results default).</summary>
    public const int SearchDefaultMaxResults = 50;

    public const int SearchMaxResultsLimit = 50_000;

    /// <summary>
    /// The active logged models of some experiments that match the filter, newest first unless ordered otherwise, a page
    /// at a time with keyset tokens as the other searches, so models logged while a client pages never shift its pages.
    /// </summary>
    public Task<SearchPage<LoggedModelDetails>> SearchAsync(Actor actor, LoggedModelQuery query, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            TrackingRules.DemandRead(op);
            if (query.ExperimentIds.Count == 0)
                throw RegistryError.InvalidValue("Missing value for required parameter 'experiment_ids': name the experiments to search.");
            var ids = query.ExperimentIds.ToList();
            var models = LoggedModelFilter.Apply(
                op.Db.LoggedModels.Where(m => ids.Contains(m.ExperimentId) && m.LifecycleStage == LifecycleStages.Active), op.Db, query.Filter);
            var max = RegistrySearchService.MaxResults(query.MaxResults, SearchDefaultMaxResults, SearchMaxResultsLimit);
            var keys = SortKeys(op, query.OrderBy ?? []);
            var (page, next) = await RegistrySearchService.PageAsync(models, keys.Order, $"LoggedModels:{string.Join(',', ids.Order())}",
                new SearchQuery(query.Filter, null, max, query.PageToken), max, rows => DetailsAsync(op, rows), keys.Cursor);
            return new SearchPage<LoggedModelDetails>(page, next);
        }, ct);

    /// <summary>
    /// The order: each entry (metrics sort by their latest value, models without the metric last either way), then
    /// creation time newest first and the id, so no two models tie.
    /// </summary>
    private static SortKeys<LoggedModel, LoggedModelDetails> SortKeys(OperationContext op, IReadOnlyList<LoggedModelOrder> orders)
    {
        var db = op.Db;
        var sort = new SortKeys<LoggedModel, LoggedModelDetails>();
        foreach (var order in orders)
        {
            if (string.IsNullOrWhiteSpace(order.FieldName))
                throw RegistryError.InvalidValue("Missing value for required parameter 'order_by.field_name'.");
            var key = RunFilterParser.ParseOrder(order.FieldName, FilterDialect.LoggedModels).Key;
            var asc = order.Ascending;
            var name = key.Key;
            switch (key.Entity)
            {
                case RunEntity.Metric:
                    sort.Missing($"metric:{name}", m => db.LoggedModelMetrics.Any(x => x.ModelId == m.Id && x.Key == name), d => d.Metrics.Any(x => x.Key == name));
                    sort.Add(SortColumns.Real<LoggedModel>($"metric:{name}", m => db.LoggedModelMetrics.Where(x => x.ModelId == m.Id && x.Key == name)
                            .OrderByDescending(x => x.Step).ThenByDescending(x => x.Timestamp).ThenByDescending(x => x.Id)
                            .Select(x => (double?)x.Value).FirstOrDefault()), asc,
                        d => SortColumns.Write(d.Metrics.Where(x => x.Key == name).OrderByDescending(x => x.Step).ThenByDescending(x => x.Timestamp)
                            .ThenByDescending(x => x.Id).Select(x => (double?)x.Value).FirstOrDefault()));
                    break;
                case RunEntity.Attribute:
                    switch (key.Attribute)
                    {
                        case RunAttribute.Name: sort.Add(SortColumns.Text<LoggedModel>("name", m => m.Name), asc, d => d.Info.Name); break;
                        case RunAttribute.ModelId: sort.Add(SortColumns.Text<LoggedModel>("model_id", m => m.Id), asc, d => d.Info.Id); break;
                        case RunAttribute.ModelType: sort.Add(SortColumns.Text<LoggedModel>("model_type", m => m.ModelType), asc, d => d.Info.ModelType); break;
                        case RunAttribute.Status: sort.Add(SortColumns.Text<LoggedModel>("status", m => m.Status), asc, d => d.Info.Status); break;
                        case RunAttribute.SourceRunId: sort.Add(SortColumns.Text<LoggedModel>("source_run_id", m => m.SourceRunId), asc, d => d.Info.SourceRunId); break;
                        case RunAttribute.CreationTimestamp:
                            sort.Add(SortColumns.Long<LoggedModel>("creation_timestamp", m => m.CreationTime), asc, d => SortColumns.Write(d.Info.CreationTime)); break;
                        default:
                            sort.Add(SortColumns.Long<LoggedModel>("last_updated_timestamp", m => m.LastUpdatedTime), asc, d => SortColumns.Write(d.Info.LastUpdatedTime)); break;
                    }
                    break;
                default:
                    throw RegistryError.InvalidValue($"Invalid order by field name: {order.FieldName}. Order logged models by an attribute or by metrics.<name>.");
            }
        }
        sort.Add(SortColumns.Long<LoggedModel>("creation_timestamp", m => m.CreationTime), false, d => SortColumns.Write(d.Info.CreationTime));
        sort.Add(SortColumns.Text<LoggedModel>("model_id", m => m.Id), true, d => d.Info.Id);
        return sort;
    }
}
