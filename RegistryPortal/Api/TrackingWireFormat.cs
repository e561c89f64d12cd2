using System.Globalization;
using RegistryPortal.Tracking;

namespace RegistryPortal.Api;

// The JSON objects of MLflow's service.proto for experiments and runs; ids are strings, times epoch ms.

public sealed record ExperimentJson(string ExperimentId, string Name, string ArtifactLocation, string LifecycleStage,
    long LastUpdateTime, long CreationTime, IReadOnlyList<TagJson> Tags);

public sealed record RunInfoJson(string RunId, string RunUuid, string RunName, string ExperimentId, string UserId, string Status,
    long StartTime, long? EndTime, string ArtifactUri, string LifecycleStage);

public sealed record MetricJson(string Key, double Value, long Timestamp, long Step);

public sealed record RunDataJson(IReadOnlyList<MetricJson> Metrics, IReadOnlyList<TagJson> Params, IReadOnlyList<TagJson> Tags);

/// <summary>A run's inputs: none that the portal records yet, answered as MLflow's server does (<c>{}</c>).</summary>
public sealed record RunInputsJson;

/// <summary>A run's outputs: the models it produced, left out when none (<c>{}</c>).</summary>
public sealed record RunOutputsJson(IReadOnlyList<ModelOutputJson>? ModelOutputs);

public sealed record ModelOutputJson(string ModelId, long Step);

public sealed record RunJson(RunInfoJson Info, RunDataJson Data, RunInputsJson Inputs, RunOutputsJson Outputs);

/// <summary>A metric of a logged model: MLflow 3's Metric with the model and the run it was logged in.</summary>
public sealed record ModelMetricJson(string Key, double Value, long Timestamp, long Step, string ModelId, string RunId);

/// <summary>MLflow 3's LoggedModelInfo; empty lists and an empty source run are left out, as MLflow's server leaves them out.</summary>
public sealed record LoggedModelInfoJson(
    string ModelId, string ExperimentId, string Name, long CreationTimestampMs, long LastUpdatedTimestampMs, string ArtifactUri,
    string Status, string ModelType, string? SourceRunId, IReadOnlyList<TagJson>? Tags);

public sealed record LoggedModelDataJson(IReadOnlyList<TagJson>? Params, IReadOnlyList<ModelMetricJson>? Metrics);

public sealed record LoggedModelJson(LoggedModelInfoJson Info, LoggedModelDataJson Data);

public sealed record FileInfoJson(string Path, bool IsDir, long? FileSize);

public static class TrackingWireFormat
{
    public static ExperimentJson Experiment(Experiment e) => new(
        e.Id.ToString(CultureInfo.InvariantCulture), e.Name, e.ArtifactLocation, e.LifecycleStage, e.LastUpdateTime, e.CreationTime,
        e.Tags.OrderBy(t => t.Key).Select(t => new TagJson(t.Key, t.Value)).ToList());

    public static RunInfoJson Info(Run r) => new(
        r.Id, r.Id, r.Name, r.ExperimentId.ToString(CultureInfo.InvariantCulture), r.UserId, r.Status, r.StartTime, r.EndTime,
        r.ArtifactUri, r.LifecycleStage);

    public static RunJson Run(RunDetails run) => new(Info(run.Info), new RunDataJson(
        run.LatestMetrics.Select(m => new MetricJson(m.Key, m.Value, m.Timestamp, m.Step)).ToList(),
        run.Params.Select(p => new TagJson(p.Key, p.Value)).ToList(),
        run.Tags.Select(t => new TagJson(t.Key, t.Value)).ToList()),
        new RunInputsJson(),
        new RunOutputsJson(NullIfEmpty(run.ModelOutputs.Select(o => new ModelOutputJson(o.ModelId, o.Step)).ToList())));

    public static LoggedModelJson LoggedModel(LoggedModelDetails model)
    {
        var m = model.Info;
        return new(
            new LoggedModelInfoJson(m.Id, m.ExperimentId.ToString(CultureInfo.InvariantCulture), m.Name, m.CreationTime, m.LastUpdatedTime,
                m.ArtifactUri, m.Status, m.ModelType, m.SourceRunId.Length == 0 ? null : m.SourceRunId,
                NullIfEmpty(model.Tags.Select(t => new TagJson(t.Key, t.Value)).ToList())),
            new LoggedModelDataJson(
                NullIfEmpty(model.Params.Select(p => new TagJson(p.Key, p.Value)).ToList()),
                NullIfEmpty(model.Metrics.Select(x => new ModelMetricJson(x.Key, x.Value, x.Timestamp, x.Step, x.ModelId, x.RunId)).ToList())));
    }

    private static IReadOnlyList<T>? NullIfEmpty<T>(IReadOnlyList<T> items) => items.Count == 0 ? null : items;

    public static int ExperimentId(ApiRequest req, string field = "experiment_id")
    {
        var text = req.Required(field);
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) && id >= 0
            ? id
            : throw new ApiException(ApiErrorCode.InvalidParameterValue, $"Invalid value '{text}' for parameter '{field}': expected an experiment id.");
    }

    /// <summary>MLflow's clients send run_id and, for older servers, run_uuid: either is accepted.</summary>
    public static string RunId(ApiRequest req) => req.Optional("run_id") ?? req.Optional("run_uuid")
        ?? throw new ApiException(ApiErrorCode.InvalidParameterValue, "Missing value for required parameter 'run_id'.");
}
