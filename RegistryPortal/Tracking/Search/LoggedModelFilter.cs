using Microsoft.EntityFrameworkCore;
using RegistryPortal.Data;
using static RegistryPortal.Search.FilterExpressions;
using static RegistryPortal.Tracking.Search.RunFilterTranslator;

namespace RegistryPortal.Tracking.Search;

/// <summary>
/// A logged-models filter (MLflow 3's search_logged_models): the runs filter's syntax with a logged model's
/// attributes (<see cref="FilterDialect.LoggedModels"/>), e.g. <c>name = 'model' AND metrics.accuracy &gt; 0.9</c>.
/// Params and tags must exist to match (also for '!='); a metric compares its latest value (highest step, then
/// latest timestamp), as a run's does.
/// </summary>
internal static class LoggedModelFilter
{
    public static IQueryable<LoggedModel> Apply(IQueryable<LoggedModel> models, RegistryDbContext db, string? filter)
    {
        foreach (var c in RunFilterParser.ParseFilter(filter, FilterDialect.LoggedModels))
        {
            var key = c.Target.Key;
            models = c.Target.Entity switch
            {
                RunEntity.Param => With(models, db.LoggedModelParams.Where(p => p.Key == key).Where(Compose<LoggedModelParam, string>(p => p.Value, Text(db, c)))
                    .Select(p => p.ModelId)),
                RunEntity.Tag => With(models, db.LoggedModelTags.Where(t => t.Key == key).Where(Compose<LoggedModelTag, string>(t => t.Value, Text(db, c)))
                    .Select(t => t.ModelId)),
                RunEntity.Metric => With(models, LatestMetric(db, key).Where(Compose<LoggedModelMetric, double>(m => m.Value, Number(c.Operator, c.Number!.Value)))
                    .Select(m => m.ModelId)),
                _ => c.Target.Attribute switch
                {
                    RunAttribute.Name => models.Where(Compose<LoggedModel, string>(m => m.Name, Text(db, c))),
                    RunAttribute.ModelId => models.Where(Compose<LoggedModel, string>(m => m.Id, Text(db, c))),
                    RunAttribute.ModelType => models.Where(Compose<LoggedModel, string>(m => m.ModelType, Text(db, c))),
                    RunAttribute.Status => models.Where(Compose<LoggedModel, string>(m => m.Status, Text(db, c))),
                    RunAttribute.SourceRunId => models.Where(Compose<LoggedModel, string>(m => m.SourceRunId, Text(db, c))),
                    RunAttribute.CreationTimestamp => models.Where(Compose<LoggedModel, long>(m => m.CreationTime, Whole(c))),
                    RunAttribute.LastUpdatedTimestamp => models.Where(Compose<LoggedModel, long>(m => m.LastUpdatedTime, Whole(c))),
                    _ => throw Unsupported(c),
                },
            };
        }
        return models;
    }

    private static IQueryable<LoggedModel> With(IQueryable<LoggedModel> models, IQueryable<string> matchingIds) =>
        models.Where(m => matchingIds.Contains(m.Id));

    /// <summary>Each model's latest row of a metric: no row of the same model and key outranks it.</summary>
    private static IQueryable<LoggedModelMetric> LatestMetric(RegistryDbContext db, string key) =>
        db.LoggedModelMetrics.Where(m => m.Key == key && !db.LoggedModelMetrics.Any(n => n.ModelId == m.ModelId && n.Key == key
            && (n.Step > m.Step || (n.Step == m.Step && (n.Timestamp > m.Timestamp || (n.Timestamp == m.Timestamp && n.Id > m.Id))))));
}
