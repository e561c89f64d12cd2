using RegistryPortal.Webhooks;

namespace RegistryPortal.Api;

/// <summary>
/// Databricks' registry-webhooks API: create, list, update, delete, test. Request and answer shapes are Databricks'
/// (<c>http_url_spec</c> with url, secret, enable_ssl_verification, authorization); the secret is never answered.
/// </summary>
public static class WebhookEndpoints
{
    public static RouteGroupBuilder MapWebhookEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("registry-webhooks/create", CreateWebhook);
        api.MapGet("registry-webhooks/list", ListWebhooks);
        api.MapPatch("registry-webhooks/update", UpdateWebhook);
        api.MapDelete("registry-webhooks/delete", DeleteWebhook);
        api.MapPost("registry-webhooks/test", TestWebhook);
        return api;
    }

    private static Task<IResult> CreateWebhook(HttpContext http, WebhookService webhooks) => ApiResults.RunAsync(http, async (req, actor, ct) =>
    {
        var spec = req.Object("http_url_spec") ?? throw Missing("http_url_spec");
        return WebhookAnswer(await webhooks.CreateAsync(actor, new WebhookSpec(
            req.Optional("model_name") is { Length: > 0 } model ? model : null, req.List("events"), spec.Required("http_url_spec.url"),
            spec.Optional("http_url_spec.secret"), spec.Optional("http_url_spec.authorization"),
            spec.OptionalBool("http_url_spec.enable_ssl_verification") ?? true, req.Optional("description"), req.Optional("status")), ct));
    });

    private static Task<IResult> ListWebhooks(HttpContext http, WebhookService webhooks) => ApiResults.RunAsync(http, async (req, actor, ct) =>
    {
        var list = await webhooks.ListAsync(actor, req.Optional("model_name") is { Length: > 0 } model ? model : null, req.List("events"), ct);
        return new { webhooks = list.Select(Wire).ToList() };
    });

    private static Task<IResult> UpdateWebhook(HttpContext http, WebhookService webhooks) => ApiResults.RunAsync(http, async (req, actor, ct) =>
    {
        var spec = req.Object("http_url_spec");
        var events = req.List("events");
        return WebhookAnswer(await webhooks.UpdateAsync(actor, WebhookId(req), new WebhookChange(
            events.Count > 0 ? events : null, spec?.Required("http_url_spec.url"), spec?.Optional("http_url_spec.secret"),
            spec?.Optional("http_url_spec.authorization"), spec?.OptionalBool("http_url_spec.enable_ssl_verification"),
            req.Optional("description"), req.Optional("status")), ct));
    });

    private static Task<IResult> DeleteWebhook(HttpContext http, WebhookService webhooks) => ApiResults.RunEmptyAsync(http, (req, actor, ct) =>
        webhooks.DeleteAsync(actor, WebhookId(req), ct));

    private static Task<IResult> TestWebhook(HttpContext http, WebhookService webhooks) => ApiResults.RunAsync(http, async (req, actor, ct) =>
    {
        var answer = await webhooks.TestAsync(actor, WebhookId(req), req.Optional("event"), ct);
        return new { webhook = new { status_code = answer.StatusCode ?? 0, body = answer.Body } };
    });

    /// <summary>Databricks' ids are strings; the portal's are numbers sent as strings ("12").</summary>
    private static int WebhookId(ApiRequest req)
    {
        var text = req.Required("id");
        return int.TryParse(text, out var id) && id > 0 ? id
            : throw new ApiException(ApiErrorCode.InvalidParameterValue, $"Invalid value '{text}' for parameter 'id': a webhook id such as \"12\".");
    }

    private static ApiException Missing(string field) => new(ApiErrorCode.InvalidParameterValue,
        $"Missing value for required parameter '{field}': give {{\"url\": \"https://...\", \"secret\": \"...\"}}.");

    private static object WebhookAnswer(WebhookView hook) => new { webhook = Wire(hook) };

    private static object Wire(WebhookView hook) => new
    {
        id = hook.Id.ToString(),
        creation_timestamp = new DateTimeOffset(hook.CreatedAt).ToUnixTimeMilliseconds(),
        last_updated_timestamp = new DateTimeOffset(hook.UpdatedAt).ToUnixTimeMilliseconds(),
        model_name = hook.ModelName,
        events = hook.Events,
        status = hook.Status.WireName(),
        description = hook.Description,
        http_url_spec = new { url = hook.Url, enable_ssl_verification = hook.VerifySsl },
    };
}
