using System.Net;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using static RegistryPortal.Tests.Api.ApiCalls;

namespace RegistryPortal.Tests.Api;

/// <summary>registered-models/*: MLflow's JSON, defaults, limits and error codes over HTTP against the real app.</summary>
[Collection(ApiCollection.Name)]
public class RegisteredModelApiTests(ApiApp app)
{
    private async Task<(string Name, ApiUser Owner)> ModelAsync(int versions = 0, string prefix = "model")
    {
        var owner = await app.UserAsync(Roles.Editor);
        var name = ApiApp.Unique(prefix);
        Assert.Equal(HttpStatusCode.OK, (await owner.Client.ApiPostAsync("registered-models/create", new { name })).Status);
        for (var i = 1; i <= versions; i++)
            Assert.Equal(HttpStatusCode.OK, (await owner.Client.ApiPostAsync("model-versions/create", new { name, source = $"s3://b/{name}/{i}" })).Status);
        return (name, owner);
    }

    private static Task<ApiResponse> TransitionAsync(ApiUser user, string name, int version, string stage, bool archive = false) =>
        user.Client.ApiPostAsync("model-versions/transition-stage",
            new { name, version = version.ToString(), stage, archive_existing_versions = archive });

    [Fact]
    public async Task Create_answers_the_registered_model()
    {
        var editor = await app.UserAsync(Roles.Editor);
        var name = ApiApp.Unique("Fraud");

        var created = await editor.Client.ApiPostAsync("registered-models/create", new
        {
            name, description = "Scores transactions", tags = new[] { new { key = "team", value = "risk" } }, unknown_field = 1,
        });

        JsonShape.Equal($$$"""
            {"registered_model": {"name": "{{{name}}}", "creation_timestamp": "<ts>", "last_updated_timestamp": "<ts>",
              "user_id": "{{{editor.DisplayName}}}", "description": "Scores transactions", "latest_versions": [],
              "tags": [{"key": "team", "value": "risk"}], "aliases": []}}
            """, created);
    }

    [Fact]
    public async Task Create_without_a_name_is_INVALID_PARAMETER_VALUE()
    {
        var editor = await app.UserAsync(Roles.Editor);
        JsonShape.Error(await editor.Client.ApiPostAsync("registered-models/create", new { description = "x" }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            "Missing value for required parameter 'name'. See the API docs for more information about request parameters.");
    }

    [Fact]
    public async Task Create_with_an_invalid_name_is_INVALID_PARAMETER_VALUE()
    {
        var editor = await app.UserAsync(Roles.Editor);
        JsonShape.Error(await editor.Client.ApiPostAsync("registered-models/create", new { name = "a/b" }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "A model name cannot contain '/'.");
    }

    [Fact]
    public async Task Create_of_a_taken_name_in_any_case_is_RESOURCE_ALREADY_EXISTS()
    {
        var (name, owner) = await ModelAsync();
        JsonShape.Error(await owner.Client.ApiPostAsync("registered-models/create", new { name = name.ToUpperInvariant() }),
            HttpStatusCode.BadRequest, "RESOURCE_ALREADY_EXISTS", $"Registered Model (name={name.ToUpperInvariant()}) already exists.");
    }

    [Fact]
    public async Task Create_by_a_Reader_is_PERMISSION_DENIED()
    {
        var reader = await app.UserAsync(Roles.Reader);
        JsonShape.Error(await reader.Client.ApiPostAsync("registered-models/create", new { name = ApiApp.Unique("r") }),
            HttpStatusCode.Forbidden, "PERMISSION_DENIED", "You need the Editor role (or higher) to create a model. Ask an admin.");
    }

    [Fact]
    public async Task Get_answers_latest_versions_per_stage_tags_and_aliases()
    {
        var (name, owner) = await ModelAsync(versions: 3);
        await TransitionAsync(owner, name, 2, "Production");
        await owner.Client.ApiPostAsync("registered-models/alias", new { name, alias = "champion", version = "2" });
        await owner.Client.ApiPostAsync("registered-models/set-tag", new { name, key = "team", value = "risk" });

        var got = await owner.Client.ApiGetAsync($"registered-models/get?name={name}");

        string Version(int n, string stage, string aliases = "") => $$$"""
            {"name": "{{{name}}}", "version": "{{{n}}}", "creation_timestamp": "<ts>", "last_updated_timestamp": "<ts>",
             "user_id": "{{{owner.DisplayName}}}", "current_stage": "{{{stage}}}", "description": "", "source": "s3://b/{{{name}}}/{{{n}}}",
             "run_id": "", "status": "READY", "status_message": "", "tags": [], "run_link": "", "aliases": [{{{aliases}}}]}
            """;
        JsonShape.Equal($$$"""
            {"registered_model": {"name": "{{{name}}}", "creation_timestamp": "<ts>", "last_updated_timestamp": "<ts>",
              "user_id": "{{{owner.DisplayName}}}", "description": "",
              "latest_versions": [{{{Version(3, "None")}}}, {{{Version(2, "Production", "\"champion\"")}}}],
              "tags": [{"key": "team", "value": "risk"}], "aliases": [{"alias": "champion", "version": "2"}]}}
            """, got);
    }

    [Fact]
    public async Task Get_of_a_missing_model_is_RESOURCE_DOES_NOT_EXIST_with_MLflows_message()
    {
        var reader = await app.UserAsync(Roles.Reader);
        JsonShape.Error(await reader.Client.ApiGetAsync("registered-models/get?name=no-such-model"),
            HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "Registered Model with name=no-such-model not found");
    }

    [Fact]
    public async Task Get_of_a_model_the_caller_may_not_read_is_not_found_either()
    {
        var (name, _) = await ModelAsync();
        var stranger = await app.UserAsync();
        JsonShape.Error(await stranger.Client.ApiGetAsync($"registered-models/get?name={name}"),
            HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", $"Registered Model with name={name} not found");
    }

    [Fact]
    public async Task Rename_answers_the_model_under_its_new_name()
    {
        var (name, owner) = await ModelAsync(versions: 1);
        var newName = ApiApp.Unique("renamed");

        var renamed = await owner.Client.ApiPostAsync("registered-models/rename", new { name, new_name = newName });

        Assert.Equal(HttpStatusCode.OK, renamed.Status);
        Assert.Equal(newName, (string?)renamed.Json["registered_model"]!["name"]);
        Assert.Equal(newName, (string?)renamed.Json["registered_model"]!["latest_versions"]![0]!["name"]);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Client.ApiGetAsync($"registered-models/get?name={name}")).Status);
    }

    [Fact]
    public async Task Rename_while_a_version_is_live_is_INVALID_PARAMETER_VALUE()
    {
        var (name, owner) = await ModelAsync(versions: 1);
        await TransitionAsync(owner, name, 1, "Staging");
        JsonShape.Error(await owner.Client.ApiPostAsync("registered-models/rename", new { name, new_name = ApiApp.Unique("x") }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            $"'{name}' has versions in Staging or Production: move them to None or Archived before renaming it.");
    }

    [Fact]
    public async Task Rename_to_a_taken_name_is_RESOURCE_ALREADY_EXISTS()
    {
        var (name, owner) = await ModelAsync();
        var (other, _) = await ModelAsync();
        JsonShape.Error(await owner.Client.ApiPostAsync("registered-models/rename", new { name, new_name = other }),
            HttpStatusCode.BadRequest, "RESOURCE_ALREADY_EXISTS", $"Registered Model (name={other}) already exists.");
    }

    [Fact]
    public async Task Rename_by_an_Editor_who_is_not_the_creator_is_PERMISSION_DENIED()
    {
        var (name, _) = await ModelAsync();
        var editor = await app.UserAsync(Roles.Editor);
        JsonShape.Error(await editor.Client.ApiPostAsync("registered-models/rename", new { name, new_name = ApiApp.Unique("x") }),
            HttpStatusCode.Forbidden, "PERMISSION_DENIED", null, "You need Manage", "rename it", "you have Edit");
    }

    [Fact]
    public async Task Update_replaces_the_description()
    {
        var (name, owner) = await ModelAsync();

        var updated = await owner.Client.ApiPatchAsync("registered-models/update", new { name, description = "## New text" });

        Assert.Equal(HttpStatusCode.OK, updated.Status);
        Assert.Equal("## New text", (string?)updated.Json["registered_model"]!["description"]);
        Assert.Equal("## New text", (await app.Service<ModelService>().GetAsync(owner.Actor, name)).Description);
    }

    [Fact]
    public async Task Update_of_a_missing_model_or_by_a_Reader_is_refused()
    {
        var (name, _) = await ModelAsync();
        var reader = await app.UserAsync(Roles.Reader);
        JsonShape.Error(await reader.Client.ApiPatchAsync("registered-models/update", new { name = "ghost-model", description = "x" }),
            HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "Registered Model with name=ghost-model not found");
        JsonShape.Error(await reader.Client.ApiPatchAsync("registered-models/update", new { name, description = "x" }),
            HttpStatusCode.Forbidden, "PERMISSION_DENIED", null, "You need Edit", "edit its description", "you have Read");
    }

    [Fact]
    public async Task Delete_of_a_missing_model_is_RESOURCE_DOES_NOT_EXIST()
    {
        JsonShape.Error(await app.Admin().ApiDeleteAsync("registered-models/delete", new { name = "ghost-model" }),
            HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "Registered Model with name=ghost-model not found");
    }

    [Fact]
    public async Task Delete_removes_the_model_and_accepts_its_name_in_the_query_string()
    {
        var (first, owner) = await ModelAsync(versions: 1);
        var (second, _) = await ModelAsync();
        var admin = app.Admin();

        var byBody = await owner.Client.ApiDeleteAsync("registered-models/delete", new { name = first });
        var byQuery = await admin.ApiDeleteAsync($"registered-models/delete?name={second}");

        JsonShape.Equal("{}", byBody);
        JsonShape.Equal("{}", byQuery);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.ApiGetAsync($"registered-models/get?name={first}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.ApiGetAsync($"registered-models/get?name={second}")).Status);
    }

    [Fact]
    public async Task Delete_with_a_version_in_Production_is_INVALID_PARAMETER_VALUE()
    {
        var (name, owner) = await ModelAsync(versions: 1);
        await TransitionAsync(owner, name, 1, "Production");
        JsonShape.Error(await owner.Client.ApiDeleteAsync("registered-models/delete", new { name }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", null, "move them to None or Archived before deleting it");
    }

    [Fact]
    public async Task Set_tag_then_delete_tag()
    {
        var (name, owner) = await ModelAsync();

        var set = await owner.Client.ApiPostAsync("registered-models/set-tag", new { name, key = "team", value = "risk" });
        var afterSet = await owner.Client.ApiGetAsync($"registered-models/get?name={name}");
        var deleted = await owner.Client.ApiDeleteAsync("registered-models/delete-tag", new { name, key = "team" });
        var afterDelete = await owner.Client.ApiGetAsync($"registered-models/get?name={name}");

        JsonShape.Equal("{}", set);
        Assert.Equal("""[{"key":"team","value":"risk"}]""", afterSet.Json["registered_model"]!["tags"]!.ToJsonString());
        JsonShape.Equal("{}", deleted);
        Assert.Equal("[]", afterDelete.Json["registered_model"]!["tags"]!.ToJsonString());
    }

    [Fact]
    public async Task Set_tag_without_a_value_and_deleting_a_missing_tag_are_refused()
    {
        var (name, owner) = await ModelAsync();
        JsonShape.Error(await owner.Client.ApiPostAsync("registered-models/set-tag", new { name, key = "team" }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            "Missing value for required parameter 'value'. See the API docs for more information about request parameters.");
        JsonShape.Error(await owner.Client.ApiDeleteAsync("registered-models/delete-tag", new { name, key = "nope" }),
            HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", $"Model '{name}' has no tag 'nope'.");
    }

    [Fact]
    public async Task Set_tag_by_a_Reader_is_PERMISSION_DENIED()
    {
        var (name, _) = await ModelAsync();
        var reader = await app.UserAsync(Roles.Reader);
        JsonShape.Error(await reader.Client.ApiPostAsync("registered-models/set-tag", new { name, key = "k", value = "v" }),
            HttpStatusCode.Forbidden, "PERMISSION_DENIED", null, "You need Edit", "edit its tags");
    }

    [Fact]
    public async Task Alias_is_set_read_and_deleted()
    {
        var (name, owner) = await ModelAsync(versions: 2);

        var set = await owner.Client.ApiPostAsync("registered-models/alias", new { name, alias = "champion", version = "2" });
        var got = await owner.Client.ApiGetAsync($"registered-models/alias?name={name}&alias=champion");
        var deleted = await owner.Client.ApiDeleteAsync($"registered-models/alias?name={name}&alias=champion");
        var gone = await owner.Client.ApiGetAsync($"registered-models/alias?name={name}&alias=champion");

        JsonShape.Equal("{}", set);
        JsonShape.Equal($$$"""
            {"model_version": {"name": "{{{name}}}", "version": "2", "creation_timestamp": "<ts>", "last_updated_timestamp": "<ts>",
              "user_id": "{{{owner.DisplayName}}}", "current_stage": "None", "description": "", "source": "s3://b/{{{name}}}/2",
              "run_id": "", "status": "READY", "status_message": "", "tags": [], "run_link": "", "aliases": ["champion"]}}
            """, got);
        JsonShape.Equal("{}", deleted);
        JsonShape.Error(gone, HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", $"Model '{name}' has no alias 'champion'.");
    }

    [Fact]
    public async Task Deleting_a_missing_alias_is_RESOURCE_DOES_NOT_EXIST()
    {
        var (name, owner) = await ModelAsync(versions: 1);
        JsonShape.Error(await owner.Client.ApiDeleteAsync("registered-models/alias", new { name, alias = "nope" }),
            HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", $"Model '{name}' has no alias 'nope'.");
    }

    [Fact]
    public async Task Alias_to_a_missing_version_or_with_a_reserved_name_is_refused()
    {
        var (name, owner) = await ModelAsync(versions: 1);
        JsonShape.Error(await owner.Client.ApiPostAsync("registered-models/alias", new { name, alias = "champion", version = "7" }),
            HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", $"Model Version (name={name}, version=7) not found");
        JsonShape.Error(await owner.Client.ApiPostAsync("registered-models/alias", new { name, alias = "latest", version = "1" }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", null, "'latest' is reserved");
    }

    [Fact]
    public async Task Get_latest_versions_by_GET_with_repeated_stages_and_by_POST_with_a_list()
    {
        var (name, owner) = await ModelAsync(versions: 4);
        await TransitionAsync(owner, name, 1, "Production");
        await TransitionAsync(owner, name, 2, "Staging");
        await TransitionAsync(owner, name, 3, "Staging");

        var byGet = await owner.Client.ApiGetAsync($"registered-models/get-latest-versions?name={name}&stages=Production&stages=staging");
        var byPost = await owner.Client.ApiPostAsync("registered-models/get-latest-versions", new { name, stages = new[] { "Staging" } });
        var all = await owner.Client.ApiPostAsync("registered-models/get-latest-versions", new { name });

        static IEnumerable<string> Versions(ApiResponse r) =>
            r.Json["model_versions"]!.AsArray().Select(v => $"{v!["version"]}:{v["current_stage"]}");
        Assert.Equal(["1:Production", "3:Staging"], Versions(byGet));
        Assert.Equal(["3:Staging"], Versions(byPost));
        Assert.Equal(["4:None", "3:Staging", "1:Production"], Versions(all));
        Assert.Equal(["model_versions"], byPost.Json.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Get_latest_versions_skips_versions_that_are_not_READY()
    {
        var (name, owner) = await ModelAsync(versions: 1);
        await app.Service<VersionService>().RegisterAsync(owner.Actor, new NewVersion(name, "s3://pending", Pending: true));

        var latest = await owner.Client.ApiGetAsync($"registered-models/get-latest-versions?name={name}&stages=None");

        Assert.Equal(["1"], latest.Json["model_versions"]!.AsArray().Select(v => (string?)v!["version"]));
    }

    [Fact]
    public async Task Get_latest_versions_of_an_unknown_stage_or_model_is_refused()
    {
        var (name, owner) = await ModelAsync(versions: 1);
        JsonShape.Error(await owner.Client.ApiGetAsync($"registered-models/get-latest-versions?name={name}&stages=Prod"),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "'Prod' is not a stage. Use one of: None, Staging, Production, Archived.");
        JsonShape.Error(await owner.Client.ApiGetAsync("registered-models/get-latest-versions?name=ghost-model"),
            HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "Registered Model with name=ghost-model not found");
    }

    [Fact]
    public async Task Search_filters_by_name_and_tag_and_orders_by_name_DESC()
    {
        var owner = await app.UserAsync(Roles.Editor);
        var prefix = ApiApp.Unique("srch");
        foreach (var (suffix, team) in new[] { ("a", "risk"), ("b", "growth"), ("c", "risk") })
        {
            await owner.Client.ApiPostAsync("registered-models/create",
                new { name = $"{prefix}-{suffix}", tags = new[] { new { key = "team", value = team } } });
        }

        var found = await owner.Client.ApiGetAsync(
            $"registered-models/search?filter={Q($"name LIKE '{prefix}%' AND tags.team = 'risk'")}&order_by={Q("name DESC")}");

        Assert.Equal(HttpStatusCode.OK, found.Status);
        Assert.Equal(["registered_models"], found.Json.AsObject().Select(p => p.Key)); // no next_page_token on the last page
        Assert.Equal([$"{prefix}-c", $"{prefix}-a"], found.Json["registered_models"]!.AsArray().Select(m => (string?)m!["name"]));
    }

    [Fact]
    public async Task Search_pages_with_max_results_and_page_token()
    {
        var owner = await app.UserAsync(Roles.Editor);
        var prefix = ApiApp.Unique("page");
        for (var i = 1; i <= 3; i++) await owner.Client.ApiPostAsync("registered-models/create", new { name = $"{prefix}-{i}" });
        var filter = Q($"name LIKE '{prefix}%'");

        var first = await owner.Client.ApiGetAsync($"registered-models/search?filter={filter}&max_results=2");
        var token = (string?)first.Json["next_page_token"];
        var second = await owner.Client.ApiGetAsync($"registered-models/search?filter={filter}&max_results=2&page_token={Q(token!)}");

        Assert.Equal([$"{prefix}-1", $"{prefix}-2"], first.Json["registered_models"]!.AsArray().Select(m => (string?)m!["name"]));
        Assert.False(string.IsNullOrEmpty(token));
        Assert.Equal([$"{prefix}-3"], second.Json["registered_models"]!.AsArray().Select(m => (string?)m!["name"]));
        Assert.Null(second.Json["next_page_token"]);
    }

    [Fact]
    public async Task Search_answers_100_models_by_default()
    {
        var admin = await app.UserAsync(Roles.Admin);
        var prefix = ApiApp.Unique("many");
        var models = app.Service<ModelService>();
        for (var i = 0; i < 101; i++) await models.CreateAsync(admin.Actor, $"{prefix}-{i:000}");

        var page = await admin.Client.ApiGetAsync($"registered-models/search?filter={Q($"name LIKE '{prefix}%'")}");

        Assert.Equal(100, page.Json["registered_models"]!.AsArray().Count);
        Assert.NotNull((string?)page.Json["next_page_token"]);
    }

    [Theory]
    [InlineData("max_results=1001", "Invalid value for request parameter max_results. It must be at most 1000, but got value 1001")]
    [InlineData("max_results=0", "Invalid value for max_results. It must be a positive integer, but got 0")]
    [InlineData("max_results=many", "Invalid value 'many' for parameter 'max_results': expected a whole number.")]
    [InlineData("order_by=version_number", "Invalid order by key 'version_number' specified. Valid keys are 'name', 'timestamp', 'last_updated_timestamp'.")]
    [InlineData("filter=run_id%20%3D%20'x'", null)]
    [InlineData("page_token=garbage", "Invalid page_token: pass the next_page_token returned by the previous page of the same search, unchanged.")]
    public async Task Search_refuses_bad_parameters_with_INVALID_PARAMETER_VALUE(string query, string? message)
    {
        var reader = await app.UserAsync(Roles.Reader);
        var answer = await reader.Client.ApiGetAsync($"registered-models/search?{query}");
        JsonShape.Error(answer, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", message, message is null ? new[] { "Invalid filter" } : Array.Empty<string>());
    }

    [Fact]
    public async Task Search_lists_only_models_the_caller_may_read()
    {
        var (name, owner) = await ModelAsync(prefix: "seen");
        var stranger = await app.UserAsync();

        var byOwner = await owner.Client.ApiGetAsync($"registered-models/search?filter={Q($"name = '{name}'")}");
        var byStranger = await stranger.Client.ApiGetAsync($"registered-models/search?filter={Q($"name = '{name}'")}");

        Assert.Single(byOwner.Json["registered_models"]!.AsArray());
        JsonShape.Equal("""{"registered_models": []}""", byStranger);
    }
}
