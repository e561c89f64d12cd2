using System.Net;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using static RegistryPortal.Tests.Api.ApiCalls;

namespace RegistryPortal.Tests.Api;

/// <summary>model-versions/*: MLflow's JSON, version numbers as strings, stage moves and their refusals over HTTP.</summary>
[Collection(ApiCollection.Name)]
public class ModelVersionApiTests(ApiApp app)
{
    private async Task<(string Name, ApiUser Owner)> ModelAsync(int versions = 0, string prefix = "mv")
    {
        var owner = await app.UserAsync(Roles.Editor);
        var name = ApiApp.Unique(prefix);
        Assert.Equal(HttpStatusCode.OK, (await owner.Client.ApiPostAsync("registered-models/create", new { name })).Status);
        for (var i = 1; i <= versions; i++)
            Assert.Equal(HttpStatusCode.OK, (await owner.Client.ApiPostAsync("model-versions/create", new { name, source = $"s3://b/{name}/{i}" })).Status);
        return (name, owner);
    }

    private static Task<ApiResponse> TransitionAsync(HttpClient client, string name, object version, string stage, bool archive = false) =>
        client.ApiPostAsync("model-versions/transition-stage", new { name, version, stage, archive_existing_versions = archive });

    private static string StageOf(ApiResponse r) => (string?)r.Json["model_version"]!["current_stage"] ?? "";

    [Fact]
    public async Task Create_answers_the_model_version_with_its_number_as_a_string()
    {
        var (name, owner) = await ModelAsync();

        var created = await owner.Client.ApiPostAsync("model-versions/create", new
        {
            name, source = "s3://bucket/1/abc/artifacts/model", run_id = "abc", run_uuid = "abc", run_link = "http://runs/abc",
            description = "first", tags = new[] { new { key = "auc", value = "0.91" } },
        });
        var second = await owner.Client.ApiPostAsync("model-versions/create", new { name, source = "s3://b/2" });

        JsonShape.Equal($$$"""
            {"model_version": {"name": "{{{name}}}", "version": "1", "creation_timestamp": "<ts>", "last_updated_timestamp": "<ts>",
              "user_id": "{{{owner.DisplayName}}}", "current_stage": "None", "description": "first",
              "source": "s3://bucket/1/abc/artifacts/model", "run_id": "abc", "status": "READY", "status_message": "",
              "tags": [{"key": "auc", "value": "0.91"}], "run_link": "http://runs/abc", "aliases": []}}
            """, created);
        Assert.Equal("2", (string?)second.Json["model_version"]!["version"]);
    }

    [Fact]
    public async Task Create_without_a_source_is_INVALID_PARAMETER_VALUE()
    {
        var (name, owner) = await ModelAsync();
        JsonShape.Error(await owner.Client.ApiPostAsync("model-versions/create", new { name }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            "Missing value for required parameter 'source'. See the API docs for more information about request parameters.");
    }

    [Fact]
    public async Task Create_for_a_missing_model_is_RESOURCE_DOES_NOT_EXIST()
    {
        var editor = await app.UserAsync(Roles.Editor);
        JsonShape.Error(await editor.Client.ApiPostAsync("model-versions/create", new { name = "ghost-model", source = "s3://x" }),
            HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "Registered Model with name=ghost-model not found");
    }

    [Fact]
    public async Task Create_by_a_Reader_is_PERMISSION_DENIED()
    {
        var (name, _) = await ModelAsync();
        var reader = await app.UserAsync(Roles.Reader);
        JsonShape.Error(await reader.Client.ApiPostAsync("model-versions/create", new { name, source = "s3://x" }),
            HttpStatusCode.Forbidden, "PERMISSION_DENIED", null, "You need Edit", "register a version of it", "you have Read");
    }

    [Fact]
    public async Task Get_answers_the_version_and_a_body_takes_the_number_as_a_string_only_as_MLflows_protocol_has_it()
    {
        var (name, owner) = await ModelAsync(versions: 2);

        var got = await owner.Client.ApiGetAsync($"model-versions/get?name={name}&version=2");
        var tagged = await owner.Client.ApiPostAsync("model-versions/set-tag", new { name, version = "2", key = "k", value = "v" });
        var asNumber = await owner.Client.ApiPostAsync("model-versions/set-tag", new { name, version = 2, key = "k", value = "v" });

        JsonShape.Equal($$$"""
            {"model_version": {"name": "{{{name}}}", "version": "2", "creation_timestamp": "<ts>", "last_updated_timestamp": "<ts>",
              "user_id": "{{{owner.DisplayName}}}", "current_stage": "None", "description": "", "source": "s3://b/{{{name}}}/2",
              "run_id": "", "status": "READY", "status_message": "", "tags": [], "run_link": "", "aliases": []}}
            """, got);
        JsonShape.Equal("{}", tagged);
        JsonShape.Error(asNumber, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            "Invalid value for parameter 'version': expected a string (in quotes), got a JSON number.");
    }

    [Fact]
    public async Task Get_of_a_missing_version_is_RESOURCE_DOES_NOT_EXIST_with_MLflows_message()
    {
        var (name, owner) = await ModelAsync(versions: 1);
        JsonShape.Error(await owner.Client.ApiGetAsync($"model-versions/get?name={name}&version=9"),
            HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", $"Model Version (name={name}, version=9) not found");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("1.5")]
    public async Task A_version_that_is_not_a_positive_whole_number_is_INVALID_PARAMETER_VALUE(string version)
    {
        var (name, owner) = await ModelAsync(versions: 1);
        JsonShape.Error(await owner.Client.ApiGetAsync($"model-versions/get?name={name}&version={version}"),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            $"Invalid value '{version}' for parameter 'version': a model version is a positive whole number such as \"3\".");
    }

    [Fact]
    public async Task Update_replaces_the_description()
    {
        var (name, owner) = await ModelAsync(versions: 1);

        var updated = await owner.Client.ApiPatchAsync("model-versions/update", new { name, version = "1", description = "better" });

        Assert.Equal(HttpStatusCode.OK, updated.Status);
        Assert.Equal("better", (string?)updated.Json["model_version"]!["description"]);
        Assert.Equal("better", (await app.Service<VersionService>().GetAsync(owner.Actor, name, 1)).Description);
    }

    [Fact]
    public async Task Update_of_a_missing_version_is_RESOURCE_DOES_NOT_EXIST()
    {
        var (name, owner) = await ModelAsync(versions: 1);
        JsonShape.Error(await owner.Client.ApiPatchAsync("model-versions/update", new { name, version = "4", description = "x" }),
            HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", $"Model Version (name={name}, version=4) not found");
    }

    [Fact]
    public async Task Transition_stage_moves_the_version_and_accepts_any_case()
    {
        var (name, owner) = await ModelAsync(versions: 1);

        var moved = await TransitionAsync(owner.Client, name, "1", "staging");

        Assert.Equal(HttpStatusCode.OK, moved.Status);
        Assert.Equal("Staging", StageOf(moved));
        Assert.Equal(Stage.Staging, (await app.Service<VersionService>().GetAsync(owner.Actor, name, 1)).Stage);
    }

    [Fact]
    public async Task Transition_stage_with_archive_existing_versions_archives_the_version_there()
    {
        var (name, owner) = await ModelAsync(versions: 2);
        await TransitionAsync(owner.Client, name, "1", "Production");

        var moved = await TransitionAsync(owner.Client, name, "2", "Production", archive: true);
        var first = await owner.Client.ApiGetAsync($"model-versions/get?name={name}&version=1");

        Assert.Equal("Production", StageOf(moved));
        Assert.Equal("Archived", StageOf(first));
    }

    [Fact]
    public async Task Transition_stage_by_a_Reader_is_PERMISSION_DENIED()
    {
        var (name, _) = await ModelAsync(versions: 1);
        var reader = await app.UserAsync(Roles.Reader);
        JsonShape.Error(await TransitionAsync(reader.Client, name, "1", "Staging"), HttpStatusCode.Forbidden, "PERMISSION_DENIED",
            $"You need Manage Staging Versions on '{name}' to move versions among None, Staging and Archived; you have Read. Ask a Manage holder or an admin.");
    }

    [Fact]
    public async Task Transition_stage_to_Production_by_a_StagingManager_is_PERMISSION_DENIED()
    {
        var (name, _) = await ModelAsync(versions: 1);
        var staging = await app.UserAsync(Roles.StagingManager);
        JsonShape.Error(await TransitionAsync(staging.Client, name, "1", "Production"), HttpStatusCode.Forbidden, "PERMISSION_DENIED",
            null, "You need Manage Production Versions", "to or from Production");
    }

    [Fact]
    public async Task Transition_stage_refuses_an_unknown_stage_a_missing_flag_and_archiving_for_None()
    {
        var (name, owner) = await ModelAsync(versions: 1);

        JsonShape.Error(await TransitionAsync(owner.Client, name, "1", "Live"), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            "'Live' is not a stage. Use one of: None, Staging, Production, Archived.");
        JsonShape.Error(await TransitionAsync(owner.Client, name, "1", "Production "), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            "'Production ' is not a stage. Use one of: None, Staging, Production, Archived.");
        JsonShape.Error(await owner.Client.ApiPostAsync("model-versions/transition-stage", new { name, version = "1", stage = "Staging" }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            "Missing value for required parameter 'archive_existing_versions'. See the API docs for more information about request parameters.");
        JsonShape.Error(await TransitionAsync(owner.Client, name, "1", "Archived", archive: true), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            "Archiving existing versions only applies to moves to Staging or Production, not to Archived.");
        JsonShape.Error(await TransitionAsync(owner.Client, name, "1", "None"), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            $"Version 1 of '{name}' is already in None.");
    }

    [Fact]
    public async Task Delete_removes_the_version_from_the_body_or_the_query_string()
    {
        var (name, owner) = await ModelAsync(versions: 2);

        var byBody = await owner.Client.ApiDeleteAsync("model-versions/delete", new { name, version = "1" });
        var byQuery = await owner.Client.ApiDeleteAsync($"model-versions/delete?name={name}&version=2");

        JsonShape.Equal("{}", byBody);
        JsonShape.Equal("{}", byQuery);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Client.ApiGetAsync($"model-versions/get?name={name}&version=1")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Client.ApiGetAsync($"model-versions/get?name={name}&version=2")).Status);
    }

    [Fact]
    public async Task Delete_of_a_version_in_Staging_is_INVALID_PARAMETER_VALUE()
    {
        var (name, owner) = await ModelAsync(versions: 1);
        await TransitionAsync(owner.Client, name, "1", "Staging");
        JsonShape.Error(await owner.Client.ApiDeleteAsync("model-versions/delete", new { name, version = "1" }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            $"Version 1 of '{name}' is in Staging: move it to None or Archived before deleting it.");
    }

    [Fact]
    public async Task Delete_by_an_Editor_who_is_not_the_creator_is_PERMISSION_DENIED()
    {
        var (name, _) = await ModelAsync(versions: 1);
        var editor = await app.UserAsync(Roles.Editor);
        JsonShape.Error(await editor.Client.ApiDeleteAsync("model-versions/delete", new { name, version = "1" }),
            HttpStatusCode.Forbidden, "PERMISSION_DENIED", null, "You need Manage", "delete a version");
    }

    [Fact]
    public async Task Get_download_uri_answers_the_versions_source()
    {
        var (name, owner) = await ModelAsync();
        await owner.Client.ApiPostAsync("model-versions/create", new { name, source = "mlflow-artifacts:/registry/0123abcd" });
        var reader = await app.UserAsync(Roles.Reader);

        JsonShape.Equal("""{"artifact_uri": "mlflow-artifacts:/registry/0123abcd"}""",
            await reader.Client.ApiGetAsync($"model-versions/get-download-uri?name={name}&version=1"));
        JsonShape.Error(await reader.Client.ApiGetAsync($"model-versions/get-download-uri?name={name}&version=2"),
            HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", $"Model Version (name={name}, version=2) not found");
    }

    [Fact]
    public async Task Set_tag_then_delete_tag()
    {
        var (name, owner) = await ModelAsync(versions: 1);

        var set = await owner.Client.ApiPostAsync("model-versions/set-tag", new { name, version = "1", key = "auc", value = "0.9" });
        var afterSet = await owner.Client.ApiGetAsync($"model-versions/get?name={name}&version=1");
        var deleted = await owner.Client.ApiDeleteAsync($"model-versions/delete-tag?name={name}&version=1&key=auc");
        var afterDelete = await owner.Client.ApiGetAsync($"model-versions/get?name={name}&version=1");
        var again = await owner.Client.ApiDeleteAsync("model-versions/delete-tag", new { name, version = "1", key = "auc" });

        JsonShape.Equal("{}", set);
        Assert.Equal("""[{"key":"auc","value":"0.9"}]""", afterSet.Json["model_version"]!["tags"]!.ToJsonString());
        JsonShape.Equal("{}", deleted);
        Assert.Equal("[]", afterDelete.Json["model_version"]!["tags"]!.ToJsonString());
        JsonShape.Error(again, HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", $"Version 1 of '{name}' has no tag 'auc'.");
    }

    [Fact]
    public async Task Set_tag_by_a_Reader_is_PERMISSION_DENIED()
    {
        var (name, _) = await ModelAsync(versions: 1);
        var reader = await app.UserAsync(Roles.Reader);
        JsonShape.Error(await reader.Client.ApiPostAsync("model-versions/set-tag", new { name, version = "1", key = "k", value = "v" }),
            HttpStatusCode.Forbidden, "PERMISSION_DENIED", null, "You need Edit", "edit a version's tags", "you have Read");
    }

    [Fact]
    public async Task Versions_of_a_model_the_caller_may_not_read_are_not_found()
    {
        var (name, _) = await ModelAsync(versions: 1);
        var stranger = await app.UserAsync();
        JsonShape.Error(await stranger.Client.ApiGetAsync($"model-versions/get-download-uri?name={name}&version=1"),
            HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", $"Registered Model with name={name} not found");
        JsonShape.Equal("""{"model_versions": []}""", await stranger.Client.ApiGetAsync($"model-versions/search?filter={Q($"name = '{name}'")}"));
    }

    [Fact]
    public async Task Search_by_name_orders_newest_change_first_by_default()
    {
        var (name, owner) = await ModelAsync(versions: 3);
        await owner.Client.ApiPatchAsync("model-versions/update", new { name, version = "1", description = "touched" });

        var found = await owner.Client.ApiGetAsync($"model-versions/search?filter={Q($"name = '{name}'")}");

        Assert.Equal(["model_versions"], found.Json.AsObject().Select(p => p.Key));
        Assert.Equal(["1", "3", "2"], found.Json["model_versions"]!.AsArray().Select(v => (string?)v!["version"]));
    }

    [Fact]
    public async Task Search_by_run_id_IN_and_version_number_ordered_by_version_number()
    {
        var (name, owner) = await ModelAsync();
        foreach (var run in new[] { "r1", "r2", "r1", "r3" })
            await owner.Client.ApiPostAsync("model-versions/create", new { name, source = $"s3://b/{run}", run_id = run });

        var found = await owner.Client.ApiGetAsync("model-versions/search?filter=" +
            Q($"name = '{name}' AND run_id IN ('r1', 'r3') AND version_number >= 2") + "&order_by=" + Q("version_number ASC"));

        Assert.Equal(["3:r1", "4:r3"], found.Json["model_versions"]!.AsArray().Select(v => $"{v!["version"]}:{v["run_id"]}"));
    }

    [Fact]
    public async Task Search_pages_with_max_results_and_page_token()
    {
        var (name, owner) = await ModelAsync(versions: 3);
        var query = $"model-versions/search?filter={Q($"name = '{name}'")}&order_by={Q("version_number DESC")}&max_results=2";

        var first = await owner.Client.ApiGetAsync(query);
        var second = await owner.Client.ApiGetAsync($"{query}&page_token={Q((string?)first.Json["next_page_token"] ?? "")}");

        Assert.Equal(["3", "2"], first.Json["model_versions"]!.AsArray().Select(v => (string?)v!["version"]));
        Assert.Equal(["1"], second.Json["model_versions"]!.AsArray().Select(v => (string?)v!["version"]));
        Assert.Null(second.Json["next_page_token"]);
    }

    [Theory]
    [InlineData("max_results=200001", "Invalid value for request parameter max_results. It must be at most 200000, but got value 200001")]
    [InlineData("order_by=size", "Invalid order by key 'size' specified. Valid keys are 'name', 'version_number', 'creation_timestamp', 'timestamp', 'last_updated_timestamp'.")]
    [InlineData("filter=stage%20%3D%20'x'", null)]
    public async Task Search_refuses_bad_parameters_with_INVALID_PARAMETER_VALUE(string query, string? message)
    {
        var reader = await app.UserAsync(Roles.Reader);
        JsonShape.Error(await reader.Client.ApiGetAsync($"model-versions/search?{query}"), HttpStatusCode.BadRequest,
            "INVALID_PARAMETER_VALUE", message, message is null ? new[] { "Invalid filter" } : Array.Empty<string>());
    }
}
