using RegistryPortal.Registry;
using RegistryPortal.Tracking;
using static RegistryPortal.Api.TrackingWireFormat;

namespace RegistryPortal.Api;

/// <summary>MLflow's tracking API (experiments/*, runs/*, metrics/*): what the client calls to log runs and models.</summary>
public static class TrackingEndpoints
{
    private static readonly object Empty = new { };

    public static RouteGroupBuilder MapTrackingEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("experiments/get-by-name", (HttpContext http, ExperimentService experiments) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
                new { experiment = Experiment(await experiments.GetByNameAsync(actor, req.Required("experiment_name"), ct)) }));

        api.MapGet("experiments/get", (HttpContext http, ExperimentService experiments) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
                new { experiment = Experiment(await experiments.GetAsync(actor, ExperimentId(req), ct)) }));

        api.MapPost("experiments/create", (HttpContext http, ExperimentService experiments) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                var created = await experiments.CreateAsync(actor, req.Required("name"), req.Optional("artifact_location"), req.Tags(), ct);
                return new { experiment_id = created.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            }));

        api.MapPost("experiments/search", (HttpContext http, ExperimentService experiments) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                var query = new SearchQuery(req.Optional("filter"), req.List("order_by"), req.OptionalInt("max_results"), req.Optional("page_token"));
                var page = await experiments.SearchAsync(actor, query, ct);
                return new { experiments = page.Items.Select(Experiment).ToList(), next_page_token = page.NextPageToken };
            }));

        api.MapPost("runs/create", (HttpContext http, RunService runs) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
                new { run = Run(await runs.CreateAsync(actor, ExperimentId(req), req.Optional("run_name"), req.OptionalLong("start_time"), req.Tags(), ct)) }));

        api.MapGet("runs/get", (HttpContext http, RunService runs) =>
            ApiResults.RunAsync(http, async (req, actor, ct) => new { run = Run(await runs.GetAsync(actor, RunId(req), ct)) }));

        api.MapPost("runs/update", (HttpContext http, RunService runs) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                var run = await runs.UpdateAsync(actor, RunId(req), req.Optional("status"), req.OptionalLong("end_time"), req.Optional("run_name"), ct);
                return new { run_info = Info(run.Info) };
            }));

        api.MapPost("runs/log-parameter", (HttpContext http, RunService runs) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                await runs.LogParamAsync(actor, RunId(req), req.Required("key"), req.Optional("value") ?? "", ct);
                return Empty;
            }));

        api.MapPost("runs/log-metric", (HttpContext http, RunService runs) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                await runs.LogMetricAsync(actor, RunId(req), Metric(req), ct);
                return Empty;
            }));

        api.MapPost("runs/log-batch", (HttpContext http, RunService runs) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                var metrics = req.Objects("metrics").Select(BatchMetric).ToList();
                await runs.LogBatchAsync(actor, RunId(req), metrics, req.Tags("params"), req.Tags("tags"), ct);
                return Empty;
            }));

        api.MapPost("runs/set-tag", (HttpContext http, RunService runs) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                await runs.SetTagAsync(actor, RunId(req), req.Required("key"), req.Optional("value") ?? "", ct);
                return Empty;
            }));

        api.MapPost("runs/delete-tag", (HttpContext http, RunService runs) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                await runs.DeleteTagAsync(actor, RunId(req), req.Required("key"), ct);
                return Empty;
            }));

        api.MapPost("runs/log-model", (HttpContext http, RunService runs) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                await runs.LogModelAsync(actor, RunId(req), req.Required("model_json"), ct);
                return Empty;
            }));

        api.MapPost("runs/search", (HttpContext http, RunService runs) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                var ids = req.List("experiment_ids").Select(id => int.TryParse(id, out var n) ? n : -1).ToList();
                var query = new SearchQuery(req.Optional("filter"), req.List("order_by"), req.OptionalInt("max_results"), req.Optional("page_token"));
                var page = await runs.SearchPageAsync(actor, ids, query, ct);
                return new { runs = page.Items.Select(Run).ToList(), next_page_token = page.NextPageToken };
            }));

        api.MapGet("metrics/get-history", (HttpContext http, RunService runs) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                var history = await runs.MetricHistoryAsync(actor, RunId(req), req.Required("metric_key"), ct);
                return new { metrics = history.Select(m => new MetricJson(m.Key, m.Value, m.Timestamp, m.Step)).ToList() };
            }));
        return api;
    }

    private static MetricValue Metric(ApiRequest req) =>
        new(req.Required("key"), req.RequiredDouble("value"), req.OptionalLong("timestamp") ?? 0, req.OptionalLong("step") ?? 0,
            NullIfEmpty(req.Optional("model_id")));

    /// <summary>One of log-batch's metrics, <c>{"key", "value", "timestamp", "step"}</c>, read as log-metric reads its fields.</summary>
    private static MetricValue BatchMetric(System.Text.Json.JsonElement metric, int index)
    {
        var at = $"metrics[{index}].";
        var fields = ApiRequest.FromObject(metric, at);
        return new MetricValue(fields.Required(at + "key"), fields.RequiredDouble(at + "value"),
            fields.OptionalLong(at + "timestamp") ?? 0, fields.OptionalLong(at + "step") ?? 0, NullIfEmpty(fields.Optional(at + "model_id")));
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
