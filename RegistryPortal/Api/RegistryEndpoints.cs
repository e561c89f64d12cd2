using RegistryPortal.Registry;
using RegistryPortal.Tracking;

namespace RegistryPortal.Api;

/// <summary>
/// MLflow's model registry over REST (registered-models/* and model-versions/*): each endpoint reads its
/// fields, calls one service, and returns MLflow's JSON. Rules and refusals live in the services.
/// </summary>
public static class RegistryEndpoints
{
    public static RouteGroupBuilder MapRegistryEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("registered-models/create", CreateModel);
        api.MapPost("registered-models/rename", RenameModel);
        api.MapPatch("registered-models/update", UpdateModel);
        api.MapDelete("registered-models/delete", DeleteModel);
        api.MapGet("registered-models/get", GetModel);
        api.MapGet("registered-models/search", SearchModels);
        api.MapMethods("registered-models/get-latest-versions", [HttpMethods.Get, HttpMethods.Post], GetLatestVersions);
        api.MapPost("registered-models/set-tag", SetModelTag);
        api.MapDelete("registered-models/delete-tag", DeleteModelTag);
        api.MapPost("registered-models/alias", SetAlias);
        api.MapDelete("registered-models/alias", DeleteAlias);
        api.MapGet("registered-models/alias", GetVersionByAlias);

        api.MapPost("model-versions/create", CreateVersion);
        api.MapPatch("model-versions/update", UpdateVersion);
        api.MapPost("model-versions/transition-stage", TransitionStage);
        api.MapDelete("model-versions/delete", DeleteVersion);
        api.MapGet("model-versions/get", GetVersion);
        api.MapGet("model-versions/search", SearchVersions);
        api.MapGet("model-versions/get-download-uri", GetDownloadUri);
        api.MapPost("model-versions/set-tag", SetVersionTag);
        api.MapDelete("model-versions/delete-tag", DeleteVersionTag);
        return api;
    }

    // registered-models/*

    private static Task<IResult> CreateModel(HttpContext http, ModelService models) => ApiResults.RunAsync(http, async (req, actor, ct) =>
        ModelAnswer(await models.CreateAsync(actor, req.Required("name"), req.Optional("description"), req.Tags(), ct)));

    private static Task<IResult> RenameModel(HttpContext http, ModelService models) => ApiResults.RunAsync(http, async (req, actor, ct) =>
        ModelAnswer(await models.RenameAsync(actor, req.Required("name"), req.Required("new_name"), ct)));

    private static Task<IResult> UpdateModel(HttpContext http, ModelService models) => ApiResults.RunAsync(http, async (req, actor, ct) =>
        ModelAnswer(await models.UpdateDescriptionAsync(actor, req.Required("name"), req.Optional("description") ?? "", ct: ct)));

    private static Task<IResult> DeleteModel(HttpContext http, ModelService models) => ApiResults.RunEmptyAsync(http, (req, actor, ct) =>
        models.DeleteAsync(actor, req.Required("name"), ct));

    private static Task<IResult> GetModel(HttpContext http, ModelService models) => ApiResults.RunAsync(http, async (req, actor, ct) =>
        ModelAnswer(await models.GetRegisteredModelAsync(actor, req.Required("name"), ct)));

    private static Task<IResult> SearchModels(HttpContext http, RegistrySearchService search) => ApiResults.RunAsync(http, async (req, actor, ct) =>
    {
        var page = await search.SearchModelsAsync(actor, req.SearchQuery(), ct);
        return new { registered_models = page.Items.Select(WireFormat.Model).ToList(), next_page_token = page.NextPageToken };
    });

    private static Task<IResult> GetLatestVersions(HttpContext http, VersionService versions) => ApiResults.RunAsync(http, async (req, actor, ct) =>
    {
        var latest = await versions.LatestAsync(actor, req.Required("name"), req.List("stages"), ct);
        return new { model_versions = latest.Select(WireFormat.Version).ToList() };
    });

    private static Task<IResult> SetModelTag(HttpContext http, ModelService models) => ApiResults.RunEmptyAsync(http, (req, actor, ct) =>
        models.SetTagAsync(actor, req.Required("name"), req.Required("key"), req.RequiredOrEmpty("value"), ct));

    private static Task<IResult> DeleteModelTag(HttpContext http, ModelService models) => ApiResults.RunEmptyAsync(http, (req, actor, ct) =>
        models.DeleteTagAsync(actor, req.Required("name"), req.Required("key"), ct));

    private static Task<IResult> SetAlias(HttpContext http, AliasService aliases) => ApiResults.RunEmptyAsync(http, (req, actor, ct) =>
        aliases.SetAsync(actor, req.Required("name"), req.Required("alias"), req.RequiredVersion(), ct));

    private static Task<IResult> DeleteAlias(HttpContext http, AliasService aliases) => ApiResults.RunEmptyAsync(http, (req, actor, ct) =>
        aliases.DeleteAsync(actor, req.Required("name"), req.Required("alias"), ct));

    private static Task<IResult> GetVersionByAlias(HttpContext http, AliasService aliases) => ApiResults.RunAsync(http, async (req, actor, ct) =>
        VersionAnswer(await aliases.GetVersionAsync(actor, req.Required("name"), req.Required("alias"), ct)));

    // model-versions/*

    /// <summary>Through ModelRegistration: a source in the portal's artifact store is copied into the registry.</summary>
    private static Task<IResult> CreateVersion(HttpContext http, ModelRegistration registration) => ApiResults.RunAsync(http, async (req, actor, ct) =>
        VersionAnswer(await registration.RegisterAsync(actor, new NewVersion(
            req.Required("name"), req.Required("source"), req.Optional("run_id"), req.Optional("run_link"),
            req.Optional("description"), req.Tags(), LoggedModelId: req.Optional("model_id") is { Length: > 0 } id ? id : null), ct)));

    private static Task<IResult> UpdateVersion(HttpContext http, VersionService versions) => ApiResults.RunAsync(http, async (req, actor, ct) =>
        VersionAnswer(await versions.UpdateDescriptionAsync(actor, req.Required("name"), req.RequiredVersion(),
            req.Optional("description") ?? "", ct: ct)));

    private static Task<IResult> TransitionStage(HttpContext http, StageService stages) => ApiResults.RunAsync(http, async (req, actor, ct) =>
        VersionAnswer(await stages.TransitionAsync(actor, req.Required("name"), req.RequiredVersion(), req.Required("stage"),
            req.RequiredBool("archive_existing_versions"), req.Optional("comment"), ct)));

    private static Task<IResult> DeleteVersion(HttpContext http, VersionService versions) => ApiResults.RunEmptyAsync(http, (req, actor, ct) =>
        versions.DeleteAsync(actor, req.Required("name"), req.RequiredVersion(), ct));

    private static Task<IResult> GetVersion(HttpContext http, VersionService versions) => ApiResults.RunAsync(http, async (req, actor, ct) =>
        VersionAnswer(await versions.GetAsync(actor, req.Required("name"), req.RequiredVersion(), ct)));

    private static Task<IResult> SearchVersions(HttpContext http, RegistrySearchService search) => ApiResults.RunAsync(http, async (req, actor, ct) =>
    {
        var page = await search.SearchVersionsAsync(actor, req.SearchQuery(), ct);
        return new { model_versions = page.Items.Select(WireFormat.Version).ToList(), next_page_token = page.NextPageToken };
    });

    private static Task<IResult> GetDownloadUri(HttpContext http, VersionService versions) => ApiResults.RunAsync(http, async (req, actor, ct) =>
        new { artifact_uri = await versions.DownloadUriAsync(actor, req.Required("name"), req.RequiredVersion(), ct) });

    private static Task<IResult> SetVersionTag(HttpContext http, VersionService versions) => ApiResults.RunEmptyAsync(http, (req, actor, ct) =>
        versions.SetTagAsync(actor, req.Required("name"), req.RequiredVersion(), req.Required("key"), req.RequiredOrEmpty("value"), ct));

    private static Task<IResult> DeleteVersionTag(HttpContext http, VersionService versions) => ApiResults.RunEmptyAsync(http, (req, actor, ct) =>
        versions.DeleteTagAsync(actor, req.Required("name"), req.RequiredVersion(), req.Required("key"), ct));

    private static object ModelAnswer(RegisteredModelView model) => new { registered_model = WireFormat.Model(model) };

    private static object VersionAnswer(VersionView version) => new { model_version = WireFormat.Version(version) };
}
