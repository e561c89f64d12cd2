using System.Net;
using RegistryPortal.Domain;
using static RegistryPortal.Tests.Api.ApiCalls;

namespace RegistryPortal.Tests.Api;

/// <summary>
/// The registry part of what a data scientist runs with MLflow's client, request by request, and paging
/// that stays correct while others register models and versions.
/// </summary>
[Collection(ApiCollection.Name)]
public class RegistryWorkflowApiTests(ApiApp app)
{
    private static void Ok(ApiResponse response) => Assert.True(response.Status == HttpStatusCode.OK, response.ToString());

    private static IEnumerable<string> Versions(ApiResponse r) =>
        r.Json["model_versions"]!.AsArray().Select(v => $"{v!["version"]}:{v["current_stage"]}");

    [Fact]
    public async Task A_model_goes_from_registration_through_Staging_and_Production_to_a_rename()
    {
        var scientist = await app.UserAsync(Roles.ProductionManager);
        var client = scientist.Client;
        var name = ApiApp.Unique("workflow");
        var source = "s3://bucket/1/run-one/artifacts/model";

        Ok(await client.ApiPostAsync("registered-models/create", new { name }));
        var v1 = await client.ApiPostAsync("model-versions/create", new { name, source, run_id = "run-one" });
        Ok(v1);
        Assert.Equal("1", (string?)v1.Json["model_version"]!["version"]);

        var staged = await client.ApiPostAsync("model-versions/transition-stage",
            new { name, version = "1", stage = "Staging", archive_existing_versions = false });
        Assert.Equal("Staging", (string?)staged.Json["model_version"]!["current_stage"]);

        // models:/<name>/Staging resolves through get-latest-versions, then get-download-uri.
        var latestStaging = await client.ApiPostAsync("registered-models/get-latest-versions", new { name, stages = new[] { "Staging" } });
        Assert.Equal(["1:Staging"], Versions(latestStaging));
        JsonShape.Equal($$$"""{"artifact_uri": "{{{source}}}"}""", await client.ApiGetAsync($"model-versions/get-download-uri?name={name}&version=1"));

        Ok(await client.ApiPostAsync("model-versions/transition-stage",
            new { name, version = "1", stage = "Production", archive_existing_versions = true }));
        Ok(await client.ApiPostAsync("model-versions/create", new { name, source = "s3://bucket/1/run-two/artifacts/model", run_id = "run-two" }));
        var promoted = await client.ApiPostAsync("model-versions/transition-stage",
            new { name, version = "2", stage = "Production", archive_existing_versions = true });
        Assert.Equal("Production", (string?)promoted.Json["model_version"]!["current_stage"]);

        var searched = await client.ApiGetAsync($"model-versions/search?filter={Q($"name = '{name}'")}&order_by={Q("version_number ASC")}");
        Assert.Equal(["1:Archived", "2:Production"], Versions(searched));
        Assert.Equal(["2:Production"], Versions(await client.ApiGetAsync($"registered-models/get-latest-versions?name={name}&stages=Production")));

        var described = await client.ApiPatchAsync("registered-models/update", new { name, description = "Scores transactions." });
        Assert.Equal("Scores transactions.", (string?)described.Json["registered_model"]!["description"]);
        JsonShape.Equal("{}", await client.ApiPostAsync("registered-models/set-tag", new { name, key = "team", value = "risk" }));

        // The portal keeps live versions' names stable: rename waits until nothing is in Staging or Production.
        var newName = ApiApp.Unique("renamed");
        JsonShape.Error(await client.ApiPostAsync("registered-models/rename", new { name, new_name = newName }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", null, "move them to None or Archived before renaming it");
        Ok(await client.ApiPostAsync("model-versions/transition-stage",
            new { name, version = "2", stage = "Archived", archive_existing_versions = false }));
        var renamed = await client.ApiPostAsync("registered-models/rename", new { name, new_name = newName });
        Assert.Equal(newName, (string?)renamed.Json["registered_model"]!["name"]);
        Assert.Equal("""[{"key":"team","value":"risk"}]""", renamed.Json["registered_model"]!["tags"]!.ToJsonString());

        JsonShape.Equal("{}", await client.ApiDeleteAsync("model-versions/delete", new { name = newName, version = "1" }));
        var left = await client.ApiGetAsync($"model-versions/search?filter={Q($"name = '{newName}'")}");
        Assert.Equal(["2:Archived"], Versions(left));
        JsonShape.Error(await client.ApiGetAsync($"registered-models/get?name={name}"), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST",
            $"Registered Model with name={name} not found");
    }

    [Fact]
    public async Task Model_pages_stay_correct_while_models_are_added()
    {
        var user = await app.UserAsync(Roles.Editor);
        var prefix = ApiApp.Unique("live");
        foreach (var suffix in new[] { "b", "d", "f", "h" })
            Ok(await user.Client.ApiPostAsync("registered-models/create", new { name = $"{prefix}-{suffix}" }));
        var query = $"registered-models/search?filter={Q($"name LIKE '{prefix}-%'")}&max_results=2";

        var first = await user.Client.ApiGetAsync(query);
        // Someone registers models meanwhile: before the page boundary and after it.
        foreach (var suffix in new[] { "a", "c", "g" })
            Ok(await user.Client.ApiPostAsync("registered-models/create", new { name = $"{prefix}-{suffix}" }));
        var second = await user.Client.ApiGetAsync($"{query}&page_token={Q((string)first.Json["next_page_token"]!)}");
        var third = await user.Client.ApiGetAsync($"{query}&page_token={Q((string)second.Json["next_page_token"]!)}");

        static IEnumerable<string> Names(ApiResponse r) => r.Json["registered_models"]!.AsArray().Select(m => ((string)m!["name"]!)[^1..]);
        Assert.Equal(["b", "d"], Names(first));
        Assert.Equal(["f", "g"], Names(second)); // an offset would have answered "d", "f" again
        Assert.Equal(["h"], Names(third));
        Assert.Null(third.Json["next_page_token"]);
    }

    [Fact]
    public async Task Version_pages_stay_correct_while_versions_are_registered()
    {
        var user = await app.UserAsync(Roles.Editor);
        var name = ApiApp.Unique("livev");
        Ok(await user.Client.ApiPostAsync("registered-models/create", new { name }));
        for (var i = 1; i <= 4; i++) Ok(await user.Client.ApiPostAsync("model-versions/create", new { name, source = $"s3://b/{i}" }));
        // MLflow's default order: newest change first.
        var query = $"model-versions/search?filter={Q($"name = '{name}'")}&max_results=2";

        var first = await user.Client.ApiGetAsync(query);
        Ok(await user.Client.ApiPostAsync("model-versions/create", new { name, source = "s3://b/5" })); // newest: before the cursor
        var second = await user.Client.ApiGetAsync($"{query}&page_token={Q((string)first.Json["next_page_token"]!)}");

        Assert.Equal(["4:None", "3:None"], Versions(first));
        Assert.Equal(["2:None", "1:None"], Versions(second));
        Assert.Null(second.Json["next_page_token"]);
    }

    [Fact]
    public async Task A_page_token_of_another_search_is_refused()
    {
        var user = await app.UserAsync(Roles.Editor);
        var prefix = ApiApp.Unique("tok");
        for (var i = 0; i < 3; i++) Ok(await user.Client.ApiPostAsync("registered-models/create", new { name = $"{prefix}-{i}" }));
        var first = await user.Client.ApiGetAsync($"registered-models/search?filter={Q($"name LIKE '{prefix}%'")}&max_results=1");

        var other = await user.Client.ApiGetAsync(
            $"registered-models/search?filter={Q($"name LIKE '{prefix}-1%'")}&max_results=1&page_token={Q((string)first.Json["next_page_token"]!)}");

        JsonShape.Error(other, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            "Invalid page_token: it belongs to a search with another filter or order_by. Repeat the same search to get its next page.");
    }
}
