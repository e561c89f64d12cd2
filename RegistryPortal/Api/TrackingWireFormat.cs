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

public sealed record RunJson(RunInfoJson Info, RunDataJson Data);

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
        run.Tags.Select(t => new TagJson(t.Key, t.Value)).ToList()));

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
