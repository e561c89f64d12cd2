using RegistryPortal.Registry.Search;
using RegistryPortal.Search;

namespace RegistryPortal.Tracking.Search;

/// <summary>What a key of a runs filter or order_by names: a metric, a param, a tag, or an attribute of the run.</summary>
public enum RunEntity
{
    Metric,
    Param,
    Tag,
    Attribute,
}

/// <summary>
/// The attributes a tracking filter and order_by accept: a run's (MLflow's names run_id, run_name, status, start_time,
/// end_time) and a logged model's (name, model_id, model_type, status, source_run_id, creation_timestamp,
/// last_updated_timestamp). Each search's <see cref="FilterDialect"/> says which are its own.
/// </summary>
public enum RunAttribute
{
    RunId,
    RunName,
    Status,
    StartTime,
    EndTime,
    Name,
    ModelId,
    ModelType,
    SourceRunId,
    CreationTimestamp,
    LastUpdatedTimestamp,
}

/// <summary>
/// The left side of a comparison or an order_by clause: <c>metrics.auc</c> is (Metric, "auc"); an attribute
/// carries its <see cref="RunAttribute"/> and its canonical name as the key.
/// </summary>
public sealed record RunKey(RunEntity Entity, string Key, RunAttribute? Attribute = null)
{
    /// <summary>Metrics and the two time attributes compare numbers; everything else compares text.</summary>
    public bool IsNumeric => Entity == RunEntity.Metric
        || Attribute is RunAttribute.StartTime or RunAttribute.EndTime or RunAttribute.CreationTimestamp or RunAttribute.LastUpdatedTimestamp;

    public override string ToString() => Entity switch
    {
        RunEntity.Metric => $"metrics.{Quote(Key)}",
        RunEntity.Param => $"params.{Quote(Key)}",
        RunEntity.Tag => $"tags.{Quote(Key)}",
        _ => $"attributes.{Key}",
    };

    /// <summary>The key as a filter or order_by writes it: bare when it can be, else in backticks (a backtick doubled).</summary>
    private static string Quote(string key) =>
        key.Length > 0 && (char.IsLetter(key[0]) || key[0] == '_') && key.All(c => char.IsLetterOrDigit(c) || c is '_' or '.' or '-' or '/')
            ? key : $"`{key.Replace("`", "``")}`";
}

/// <summary>
/// One comparison of a runs filter: text values (<paramref name="Text"/>) for params, tags and the text
/// attributes, numbers (<paramref name="Number"/>) for metrics and times. <paramref name="Position"/> is 1-based.
/// </summary>
public sealed record RunComparison(RunKey Target, FilterOperator Operator, string? Text, double? Number, int Position);

/// <summary>One order_by clause: <c>metrics.auc DESC</c>.</summary>
public sealed record RunOrder(RunKey Key, bool Descending);
