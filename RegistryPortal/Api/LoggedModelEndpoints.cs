using System.Globalization;
using RegistryPortal.Tracking;
using static RegistryPortal.Api.TrackingWireFormat;

namespace RegistryPortal.Api;

/// <summary>MLflow 3's logged models (logged-models/*) and runs/outputs: what today's client calls in <c>log_model</c>.</summary>
public static class LoggedModelEndpoints
{
    private static readonly object Empty = new { };

    public static RouteGroupBuilder MapLoggedModelEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("logged-models", (HttpContext http, LoggedModelService models) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                var created = await models.CreateAsync(actor, new NewLoggedModel(ExperimentId(req), req.Optional("name"),
                    req.Optional("source_run_id"), req.Optional("model_type"), req.Tags("params"), req.Tags("tags")), ct);
                return new { model = LoggedModel(created) };
            }));

        api.MapPost("logged-models/search", (HttpContext http, LoggedModelService models) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                var experimentIds = req.List("experiment_ids").Select(ParseExperimentId).ToList();
                var orderBy = req.Objects("order_by").Select((o, i) =>
                {
                    var at = $"order_by[{i}].";
                    var fields = ApiRequest.FromObject(o, at);
                    return new LoggedModelOrder(fields.Required(at + "field_name"), fields.OptionalBool(at + "ascending") ?? true);
                }).ToList();
                var page = await models.SearchAsync(actor, new LoggedModelQuery(experimentIds, req.Optional("filter"), orderBy,
                    req.OptionalInt("max_results"), req.Optional("page_token")), ct);
                return new { models = page.Items.Select(LoggedModel).ToList(), next_page_token = page.NextPageToken };
            }));

        api.MapGet("logged-models/{modelId}", (string modelId, HttpContext http, LoggedModelService models) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
                new { model = LoggedModel(await models.GetAsync(actor, modelId, req.OptionalBool("allow_deleted") ?? false, ct)) }));

        api.MapPatch("logged-models/{modelId}", (string modelId, HttpContext http, LoggedModelService models) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
                new { model = LoggedModel(await models.FinalizeAsync(actor, modelId, Status(req.RequiredEnum("status")), ct)) }));

        api.MapDelete("logged-models/{modelId}", (string modelId, HttpContext http, LoggedModelService models) =>
            ApiResults.RunAsync(http, async (_, actor, ct) =>
            {
                await models.DeleteAsync(actor, modelId, ct);
                return Empty;
            }));

        api.MapPatch("logged-models/{modelId}/tags", (string modelId, HttpContext http, LoggedModelService models) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                await models.SetTagsAsync(actor, modelId, req.Tags(), ct);
                return Empty;
            }));

        api.MapDelete("logged-models/{modelId}/tags/{**tagKey}", (string modelId, string tagKey, HttpContext http, LoggedModelService models) =>
            ApiResults.RunAsync(http, async (_, actor, ct) =>
            {
                await models.DeleteTagAsync(actor, modelId, tagKey, ct);
                return Empty;
            }));

        api.MapPost("runs/outputs", (HttpContext http, LoggedModelService models) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                var outputs = req.Objects("models").Select((o, i) =>
                {
                    var at = $"models[{i}].";
                    var fields = ApiRequest.FromObject(o, at);
                    return new ModelOutput(fields.Required(at + "model_id"), fields.OptionalLong(at + "step") ?? 0);
                }).ToList();
                await models.LogOutputsAsync(actor, RunId(req), outputs, ct);
                return Empty;
            }));
        return api;
    }

    /// <summary>LoggedModelStatus by name (what MLflow's client sends) or by its number in the proto.</summary>
    private static string Status(string text) => text.Trim() switch
    {
        "0" => "LOGGED_MODEL_STATUS_UNSPECIFIED",
        "1" => LoggedModelStatuses.Pending,
        "2" => LoggedModelStatuses.Ready,
        "3" => LoggedModelStatuses.UploadFailed,
        _ => text,
    };

    private static int ParseExperimentId(string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) && id >= 0
            ? id
            : throw new ApiException(ApiErrorCode.InvalidParameterValue, $"Invalid value '{text}' for parameter 'experiment_ids': expected experiment ids.");
}
