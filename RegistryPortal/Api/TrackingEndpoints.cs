using RegistryPortal.Registry;
using RegistryPortal.Tracking;
using static RegistryPortal.Api.TrackingWireFormat;

namespace RegistryPortal.Api;

/// <summary>MLflow's tracking API (experiments/*, runs/*, metrics/*): what the client calls to log runs and models.</summary>
public static class TrackingEndpoints
{
    public static RouteGroupBuilder MapTrackingEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("experiments/get-by-name", GetExperimentByName);
        api.MapGet("experiments/get", GetExperiment);
        api.MapPost("experiments/create", CreateExperiment);
        api.MapPost("experiments/search", SearchExperiments);

        api.MapPost("runs/create", CreateRun);
        api.MapGet("runs/get", GetRun);
        api.MapPost("runs/update", UpdateRun);
        api.MapPost("runs/log-parameter", LogParameter);
        api.MapPost("runs/log-metric", LogMetric);
        api.MapPost("runs/log-batch", LogBatch);
        api.MapPost("runs/set-tag", SetRunTag);
        api.MapPost("runs/delete-tag", DeleteRunTag);
        api.MapPost("runs/log-model", LogModel);
        api.MapPost("runs/search", SearchRuns);
        api.MapGet("metrics/get-history", GetMetricHistory);
        return api;
    }

    // experiments/*

    private static Task<IResult> GetExperimentByName(HttpContext http, ExperimentService experiments) =>
        ApiResults.RunAsync(http, async (req, actor, ct) =>
            new { experiment = Experiment(await experiments.GetByNameAsync(actor, req.Required("experiment_name"), ct)) });

    private static Task<IResult> GetExperiment(HttpContext http, ExperimentService experiments) => ApiResults.RunAsync(http, async (req, actor, ct) =>
        new { experiment = Experiment(await experiments.GetAsync(actor, ExperimentId(req), ct)) });

    private static Task<IResult> CreateExperiment(HttpContext http, ExperimentService experiments) => ApiResults.RunAsync(http, async (req, actor, ct) =>
    {
        var created = await experiments.CreateAsync(actor, req.Required("name"), req.Optional("artifact_location"), req.Tags(), ct);
        return new { experiment_id = created.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) };
    });

    private static Task<IResult> SearchExperiments(HttpContext http, ExperimentService experiments) => ApiResults.RunAsync(http, async (req, actor, ct) =>
    {
        var page = await experiments.SearchAsync(actor, req.SearchQuery(), ct);
        return new { experiments = page.Items.Select(Experiment).ToList(), next_page_token = page.NextPageToken };
    });

    // runs/*, metrics/*

    private static Task<IResult> CreateRun(HttpContext http, RunService runs) => ApiResults.RunAsync(http, async (req, actor, ct) =>
        new { run = Run(await runs.CreateAsync(actor, ExperimentId(req), req.Optional("run_name"), req.OptionalLong("start_time"), req.Tags(), ct)) });

    private static Task<IResult> GetRun(HttpContext http, RunService runs) => ApiResults.RunAsync(http, async (req, actor, ct) =>
        new { run = Run(await runs.GetAsync(actor, RunId(req), ct)) });

    private static Task<IResult> UpdateRun(HttpContext http, RunService runs) => ApiResults.RunAsync(http, async (req, actor, ct) =>
    {
        var run = await runs.UpdateAsync(actor, RunId(req), req.Optional("status"), req.OptionalLong("end_time"), req.Optional("run_name"), ct);
        return new { run_info = Info(run.Info) };
    });

    private static Task<IResult> LogParameter(HttpContext http, RunService runs) => ApiResults.RunEmptyAsync(http, (req, actor, ct) =>
        runs.LogParamAsync(actor, RunId(req), req.Required("key"), req.Optional("value") ?? "", ct));

    private static Task<IResult> LogMetric(HttpContext http, RunService runs) => ApiResults.RunEmptyAsync(http, (req, actor, ct) =>
        runs.LogMetricAsync(actor, RunId(req), Metric(req), ct));

    private static Task<IResult> LogBatch(HttpContext http, RunService runs) => ApiResults.RunEmptyAsync(http, (req, actor, ct) =>
    {
        var metrics = req.Objects("metrics", Metric);
        return runs.LogBatchAsync(actor, RunId(req), metrics, req.Tags("params"), req.Tags("tags"), ct);
    });

    private static Task<IResult> SetRunTag(HttpContext http, RunService runs) => ApiResults.RunEmptyAsync(http, (req, actor, ct) =>
        runs.SetTagAsync(actor, RunId(req), req.Required("key"), req.Optional("value") ?? "", ct));

    private static Task<IResult> DeleteRunTag(HttpContext http, RunService runs) => ApiResults.RunEmptyAsync(http, (req, actor, ct) =>
        runs.DeleteTagAsync(actor, RunId(req), req.Required("key"), ct));

    private static Task<IResult> LogModel(HttpContext http, RunService runs) => ApiResults.RunEmptyAsync(http, (req, actor, ct) =>
        runs.LogModelAsync(actor, RunId(req), req.Required("model_json"), ct));

    private static Task<IResult> SearchRuns(HttpContext http, RunSearch runs) => ApiResults.RunAsync(http, async (req, actor, ct) =>
    {
        var ids = req.List("experiment_ids").Select(id => int.TryParse(id, out var n) ? n : -1).ToList();
        var page = await runs.SearchPageAsync(actor, ids, req.SearchQuery(), ct);
        return new { runs = page.Items.Select(Run).ToList(), next_page_token = page.NextPageToken };
    });

    private static Task<IResult> GetMetricHistory(HttpContext http, RunService runs) => ApiResults.RunAsync(http, async (req, actor, ct) =>
    {
        var history = await runs.MetricHistoryAsync(actor, RunId(req), req.Required("metric_key"), ct);
        return new { metrics = history.Select(m => new MetricJson(m.Key, m.Value, m.Timestamp, m.Step)).ToList() };
    });

    /// <summary>
    /// A metric, <c>{"key", "value", "timestamp", "step", "model_id"}</c>: log-metric's own fields, or one of log-batch's
    /// metrics, whose fields are named <paramref name="at"/> ("metrics[2].") + their name.
    /// </summary>
    private static MetricValue Metric(ApiRequest fields, string at = "") =>
        new(fields.Required(at + "key"), fields.RequiredDouble(at + "value"), fields.OptionalLong(at + "timestamp") ?? 0,
            fields.OptionalLong(at + "step") ?? 0, NullIfEmpty(fields.Optional(at + "model_id")));

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
