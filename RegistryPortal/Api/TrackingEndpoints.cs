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
                var (pageIndex, pageSize) = OffsetPage(req, defaultSize: 1000);
                var query = new RunQuery(req.Optional("filter"), req.List("order_by"), pageIndex, pageSize);
                var page = await runs.SearchAsync(actor, ids, query, ct);
                return new { runs = page.Items.Select(Run).ToList(), next_page_token = NextToken(page.Total, pageIndex, pageSize) };
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
        new(req.Required("key"), req.RequiredDouble("value"), req.OptionalLong("timestamp") ?? 0, req.OptionalLong("step") ?? 0);

    /// <summary>One of log-batch's metrics, <c>{"key", "value", "timestamp", "step"}</c>, read as log-metric reads its fields.</summary>
    private static MetricValue BatchMetric(System.Text.Json.JsonElement metric, int index)
    {
        var at = $"metrics[{index}].";
        var fields = ApiRequest.FromObject(metric, at);
        return new MetricValue(fields.Required(at + "key"), fields.RequiredDouble(at + "value"),
            fields.OptionalLong(at + "timestamp") ?? 0, fields.OptionalLong(at + "step") ?? 0);
    }

    /// <summary>
    /// Experiment and run searches page by offset, as MLflow's own server does; the token is the next offset,
    /// opaque to clients. max_results goes up to MLflow's 50,000 (mlflow.search_runs asks for 10,000 a page).
    /// </summary>
    private static (int PageIndex, int PageSize) OffsetPage(ApiRequest req, int defaultSize)
    {
        var size = req.OptionalInt("max_results") ?? defaultSize;
        if (size is < 1 or > RunService.MaxPageSize)
            throw new ApiException(ApiErrorCode.InvalidParameterValue, $"Invalid value {size} for parameter 'max_results': it must be between 1 and {RunService.MaxPageSize}.");
        var token = req.Optional("page_token");
        if (string.IsNullOrEmpty(token)) return (0, size);
        try
        {
            var offset = int.Parse(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(token)), System.Globalization.CultureInfo.InvariantCulture);
            return (offset / size, size);
        }
        catch (FormatException)
        {
            throw new ApiException(ApiErrorCode.InvalidParameterValue, "Invalid page_token: pass the next_page_token of the previous answer unchanged.");
        }
    }

    private static string? NextToken(int total, int pageIndex, int pageSize) =>
        (pageIndex + 1) * pageSize >= total ? null : Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(((pageIndex + 1) * pageSize).ToString(System.Globalization.CultureInfo.InvariantCulture)));
}
