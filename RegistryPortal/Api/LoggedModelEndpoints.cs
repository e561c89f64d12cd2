using System.Globalization;
using RegistryPortal.Tracking;
using static RegistryPortal.Api.TrackingWireFormat;

namespace RegistryPortal.Api;

/// <summary>MLflow 3's logged models (logged-models/*) and runs/outputs: what today's client calls in <c>log_model</c>.</summary>
public static class LoggedModelEndpoints
{
    public static RouteGroupBuilder MapLoggedModelEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("logged-models", CreateLoggedModel);
        api.MapPost("logged-models/search", SearchLoggedModels);
        api.MapGet("logged-models/{modelId}", GetLoggedModel);
        api.MapPatch("logged-models/{modelId}", FinalizeLoggedModel);
        api.MapDelete("logged-models/{modelId}", DeleteLoggedModel);
        api.MapPatch("logged-models/{modelId}/tags", SetLoggedModelTags);
        api.MapDelete("logged-models/{modelId}/tags/{**tagKey}", DeleteLoggedModelTag);
        api.MapPost("runs/outputs", LogRunOutputs);
        return api;
    }

    private static Task<IResult> CreateLoggedModel(HttpContext http, LoggedModelService models) => ApiResults.RunAsync(http, async (req, actor, ct) =>
    {
        var created = await models.CreateAsync(actor, new NewLoggedModel(ExperimentId(req), req.Optional("name"),
            req.Optional("source_run_id"), req.Optional("model_type"), req.Tags("params"), req.Tags("tags")), ct);
        return new { model = LoggedModel(created) };
    });

    private static Task<IResult> SearchLoggedModels(HttpContext http, LoggedModelService models) => ApiResults.RunAsync(http, async (req, actor, ct) =>
    {
        var (experimentIds, orderBy) = (req.List("experiment_ids").Select(ParseExperimentId).ToList(), OrderBy(req));
        var page = await models.SearchAsync(actor, new LoggedModelQuery(experimentIds, req.Optional("filter"), orderBy,
            req.OptionalInt("max_results"), req.Optional("page_token")), ct);
        return new { models = page.Items.Select(LoggedModel).ToList(), next_page_token = page.NextPageToken };
    });

    private static Task<IResult> GetLoggedModel(string modelId, HttpContext http, LoggedModelService models) =>
        ApiResults.RunAsync(http, async (req, actor, ct) =>
            new { model = LoggedModel(await models.GetAsync(actor, modelId, req.OptionalBool("allow_deleted") ?? false, ct)) });

    private static Task<IResult> FinalizeLoggedModel(string modelId, HttpContext http, LoggedModelService models) =>
        ApiResults.RunAsync(http, async (req, actor, ct) =>
            new { model = LoggedModel(await models.FinalizeAsync(actor, modelId, Status(req.RequiredEnum("status")), ct)) });

    private static Task<IResult> DeleteLoggedModel(string modelId, HttpContext http, LoggedModelService models) =>
        ApiResults.RunEmptyAsync(http, (_, actor, ct) => models.DeleteAsync(actor, modelId, ct));

    private static Task<IResult> SetLoggedModelTags(string modelId, HttpContext http, LoggedModelService models) =>
        ApiResults.RunEmptyAsync(http, (req, actor, ct) => models.SetTagsAsync(actor, modelId, req.Tags(), ct));

    private static Task<IResult> DeleteLoggedModelTag(string modelId, string tagKey, HttpContext http, LoggedModelService models) =>
        ApiResults.RunEmptyAsync(http, (_, actor, ct) => models.DeleteTagAsync(actor, modelId, tagKey, ct));

    private static Task<IResult> LogRunOutputs(HttpContext http, LoggedModelService models) => ApiResults.RunEmptyAsync(http, (req, actor, ct) =>
    {
        var outputs = req.Objects("models", (fields, at) => new ModelOutput(fields.Required(at + "model_id"), fields.OptionalLong(at + "step") ?? 0));
        return models.LogOutputsAsync(actor, RunId(req), outputs, ct);
    });

    /// <summary>search's order_by: <c>[{"field_name": "...", "ascending": true}]</c>.</summary>
    private static List<LoggedModelOrder> OrderBy(ApiRequest req) =>
        req.Objects("order_by", (fields, at) => new LoggedModelOrder(fields.Required(at + "field_name"), fields.OptionalBool(at + "ascending") ?? true));

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
