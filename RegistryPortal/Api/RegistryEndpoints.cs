using RegistryPortal.Registry;
using RegistryPortal.Tracking;

namespace RegistryPortal.Api;

/// <summary>
/// MLflow's model registry over REST (registered-models/* and model-versions/*): each endpoint reads its
/// fields, calls one service, and returns MLflow's JSON. Rules and refusals live in the services.
/// </summary>
public static class RegistryEndpoints
{
    private static readonly object Empty = new { };

    public static RouteGroupBuilder MapRegistryEndpoints(this RouteGroupBuilder api)
    {
        // registered-models/*

        api.MapPost("registered-models/create", (HttpContext http, ModelService models) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                var name = req.Required("name");
                return new { registered_model = WireFormat.Model(await models.CreateAsync(actor, name, req.Optional("description"), req.Tags(), ct)) };
            }));

        api.MapPost("registered-models/rename", (HttpContext http, ModelService models) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                return new { registered_model = WireFormat.Model(await models.RenameAsync(actor, req.Required("name"), req.Required("new_name"), ct)) };
            }));

        api.MapPatch("registered-models/update", (HttpContext http, ModelService models) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                return new { registered_model = WireFormat.Model(await models.UpdateDescriptionAsync(actor, req.Required("name"), req.Optional("description") ?? "", ct: ct)) };
            }));

        api.MapDelete("registered-models/delete", (HttpContext http, ModelService models) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                await models.DeleteAsync(actor, req.Required("name"), ct);
                return Empty;
            }));

        api.MapGet("registered-models/get", (HttpContext http, ModelService models) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
                new { registered_model = WireFormat.Model(await models.GetRegisteredModelAsync(actor, req.Required("name"), ct)) }));

        api.MapGet("registered-models/search", (HttpContext http, RegistrySearchService search) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                var page = await search.SearchModelsAsync(actor, Query(req), ct);
                return new { registered_models = page.Items.Select(WireFormat.Model).ToList(), next_page_token = page.NextPageToken };
            }));

        api.MapMethods("registered-models/get-latest-versions", [HttpMethods.Get, HttpMethods.Post], (HttpContext http, VersionService versions) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                var latest = await versions.LatestAsync(actor, req.Required("name"), req.List("stages"), ct);
                return new { model_versions = latest.Select(WireFormat.Version).ToList() };
            }));

        api.MapPost("registered-models/set-tag", (HttpContext http, ModelService models) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                await models.SetTagAsync(actor, req.Required("name"), req.Required("key"), req.Optional("value") ?? throw Missing("value"), ct);
                return Empty;
            }));

        api.MapDelete("registered-models/delete-tag", (HttpContext http, ModelService models) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                await models.DeleteTagAsync(actor, req.Required("name"), req.Required("key"), ct);
                return Empty;
            }));

        api.MapPost("registered-models/alias", (HttpContext http, AliasService aliases) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                await aliases.SetAsync(actor, req.Required("name"), req.Required("alias"), req.RequiredVersion(), ct);
                return Empty;
            }));

        api.MapDelete("registered-models/alias", (HttpContext http, AliasService aliases) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                await aliases.DeleteAsync(actor, req.Required("name"), req.Required("alias"), ct);
                return Empty;
            }));

        api.MapGet("registered-models/alias", (HttpContext http, AliasService aliases) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
                new { model_version = WireFormat.Version(await aliases.GetVersionAsync(actor, req.Required("name"), req.Required("alias"), ct)) }));

        // model-versions/*

        // Through ModelRegistration: a source in the portal's artifact store is copied into the registry.
        api.MapPost("model-versions/create", (HttpContext http, ModelRegistration registration) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                var created = await registration.RegisterAsync(actor, new NewVersion(
                    req.Required("name"), req.Required("source"), req.Optional("run_id"), req.Optional("run_link"),
                    req.Optional("description"), req.Tags(), LoggedModelId: req.Optional("model_id") is { Length: > 0 } id ? id : null), ct);
                return new { model_version = WireFormat.Version(created) };
            }));

        api.MapPatch("model-versions/update", (HttpContext http, VersionService versions) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                return new { model_version = WireFormat.Version(await versions.UpdateDescriptionAsync(actor, req.Required("name"), req.RequiredVersion(),
                    req.Optional("description") ?? "", ct: ct)) };
            }));

        api.MapPost("model-versions/transition-stage", (HttpContext http, StageService stages) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                var moved = await stages.TransitionAsync(actor, req.Required("name"), req.RequiredVersion(), req.Required("stage"),
                    req.RequiredBool("archive_existing_versions"), req.Optional("comment"), ct);
                return new { model_version = WireFormat.Version(moved) };
            }));

        api.MapDelete("model-versions/delete", (HttpContext http, VersionService versions) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                await versions.DeleteAsync(actor, req.Required("name"), req.RequiredVersion(), ct);
                return Empty;
            }));

        api.MapGet("model-versions/get", (HttpContext http, VersionService versions) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
                new { model_version = WireFormat.Version(await versions.GetAsync(actor, req.Required("name"), req.RequiredVersion(), ct)) }));

        api.MapGet("model-versions/search", (HttpContext http, RegistrySearchService search) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                var page = await search.SearchVersionsAsync(actor, Query(req), ct);
                return new { model_versions = page.Items.Select(WireFormat.Version).ToList(), next_page_token = page.NextPageToken };
            }));

        api.MapGet("model-versions/get-download-uri", (HttpContext http, VersionService versions) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
                new { artifact_uri = await versions.DownloadUriAsync(actor, req.Required("name"), req.RequiredVersion(), ct) }));

        api.MapPost("model-versions/set-tag", (HttpContext http, VersionService versions) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                await versions.SetTagAsync(actor, req.Required("name"), req.RequiredVersion(), req.Required("key"),
                    req.Optional("value") ?? throw Missing("value"), ct);
                return Empty;
            }));

        api.MapDelete("model-versions/delete-tag", (HttpContext http, VersionService versions) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                await versions.DeleteTagAsync(actor, req.Required("name"), req.RequiredVersion(), req.Required("key"), ct);
                return Empty;
            }));

        return api;
    }

    private static SearchQuery Query(ApiRequest req) =>
        new(req.Optional("filter"), req.List("order_by"), req.OptionalInt("max_results"), req.Optional("page_token"));

    // A tag value may be empty (""), but must be sent.
    private static ApiException Missing(string field) =>
        new(ApiErrorCode.InvalidParameterValue,
            $"Missing value for required parameter '{field}'. See the API docs for more information about request parameters.");
}
