using System.Net;
using System.Text.Json.Nodes;
using RegistryPortal.Domain;
using static RegistryPortal.Tests.Api.ApiCalls;

namespace RegistryPortal.Tests.Api;

/// <summary>experiments/*, runs/* and metrics/*: MLflow's JSON shapes, defaults and error codes over HTTP, an endpoint at a time.</summary>
[Collection(ApiCollection.Name)]
public class TrackingApiTests(ApiApp app)
{
    private async Task<(ApiUser User, string ExperimentId, string Name)> ExperimentAsync(string role = Roles.Editor)
    {
        var user = await app.UserAsync(role);
        var name = ApiApp.Unique("exp");
        var created = await user.Client.ApiPostAsync("experiments/create", new { name });
        Assert.True(created.Status == HttpStatusCode.OK, created.ToString());
        return (user, (string)created.Json["experiment_id"]!, name);
    }

    private async Task<(ApiUser User, string RunId, string ExperimentId)> RunAsync()
    {
        var (user, experimentId, _) = await ExperimentAsync();
        var created = await user.Client.ApiPostAsync("runs/create", new { experiment_id = experimentId, run_name = "train", start_time = 1700000000000 });
        Assert.True(created.Status == HttpStatusCode.OK, created.ToString());
        return (user, (string)created.Json["run"]!["info"]!["run_id"]!, experimentId);
    }

    private static void Ok(ApiResponse response) => Assert.True(response.Status == HttpStatusCode.OK, response.ToString());

    /// <summary>
    /// Follows next_page_token through every page of a search (20 at most): the <paramref name="name"/> of each item
    /// of <paramref name="items"/>, and the number of pages. <paramref name="betweenPages"/> runs once, after the first.
    /// </summary>
    private static async Task<(List<string> Names, int Pages)> WalkAsync(HttpClient client, string path, string items,
        Func<string?, object> request, Func<JsonNode, string> name, Func<Task>? betweenPages = null)
    {
        var names = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await client.ApiPostAsync(path, request(token));
            Ok(page);
            names.AddRange(page.Json[items]!.AsArray().Select(item => name(item!)));
            token = (string?)page.Json["next_page_token"];
            if (pages++ == 0 && betweenPages is not null) await betweenPages();
        } while (token is not null && pages < 20);
        return (names, pages);
    }

    // experiments/*

    [Fact]
    public async Task Experiments_create_answers_its_id_and_get_answers_the_experiment()
    {
        var editor = await app.UserAsync(Roles.Editor);
        var name = ApiApp.Unique("exp");

        var created = await editor.Client.ApiPostAsync("experiments/create", new { name, tags = new[] { new { key = "team", value = "risk" } } });
        var id = (string)created.Json["experiment_id"]!;
        var got = await editor.Client.ApiGetAsync($"experiments/get?experiment_id={id}");

        JsonShape.Equal($$"""{"experiment_id": "{{id}}"}""", created);
        JsonShape.Equal($$$"""
            {"experiment": {"experiment_id": "{{{id}}}", "name": "{{{name}}}", "artifact_location": "mlflow-artifacts:/{{{id}}}",
              "lifecycle_stage": "active", "last_update_time": "<ts>", "creation_time": "<ts>", "tags": [{"key": "team", "value": "risk"}]}}
            """, got);
    }

    [Fact]
    public async Task Experiments_create_keeps_an_artifact_location_the_client_names()
    {
        var editor = await app.UserAsync(Roles.Editor);
        var created = await editor.Client.ApiPostAsync("experiments/create", new { name = ApiApp.Unique("exp"), artifact_location = "s3://bucket/exp" });
        var got = await editor.Client.ApiGetAsync($"experiments/get?experiment_id={created.Json["experiment_id"]}");
        Assert.Equal("s3://bucket/exp", (string?)got.Json["experiment"]!["artifact_location"]);
    }

    [Fact]
    public async Task Experiments_create_refuses_a_missing_name_a_taken_name_and_a_Reader()
    {
        var (editor, _, name) = await ExperimentAsync();
        var reader = await app.UserAsync(Roles.Reader);

        JsonShape.Error(await editor.Client.ApiPostAsync("experiments/create", new { artifact_location = "x" }), HttpStatusCode.BadRequest,
            "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'name'. See the API docs for more information about request parameters.");
        JsonShape.Error(await editor.Client.ApiPostAsync("experiments/create", new { name }), HttpStatusCode.BadRequest,
            "RESOURCE_ALREADY_EXISTS", $"Experiment '{name}' already exists.");
        JsonShape.Error(await reader.Client.ApiPostAsync("experiments/create", new { name = ApiApp.Unique("exp") }), HttpStatusCode.Forbidden,
            "PERMISSION_DENIED", "You need the Editor role (or higher) to create experiments and log runs. Ask an admin.");
    }

    [Fact]
    public async Task Experiments_get_by_name_finds_it_and_answers_404_for_an_unknown_name()
    {
        var (editor, id, name) = await ExperimentAsync();

        var found = await editor.Client.ApiGetAsync($"experiments/get-by-name?experiment_name={Q(name)}");
        var missing = await editor.Client.ApiGetAsync("experiments/get-by-name?experiment_name=no-such-experiment");
        var noName = await editor.Client.ApiGetAsync("experiments/get-by-name");

        Ok(found);
        Assert.Equal(id, (string?)found.Json["experiment"]!["experiment_id"]);
        JsonShape.Error(missing, HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "Could not find experiment with name 'no-such-experiment'");
        JsonShape.Error(noName, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", null, "'experiment_name'");
    }

    [Fact]
    public async Task Experiments_get_refuses_an_id_that_is_not_a_number_and_answers_404_for_an_unknown_one()
    {
        var reader = await app.UserAsync(Roles.Reader);
        JsonShape.Error(await reader.Client.ApiGetAsync("experiments/get?experiment_id=abc"), HttpStatusCode.BadRequest,
            "INVALID_PARAMETER_VALUE", "Invalid value 'abc' for parameter 'experiment_id': expected an experiment id.");
        JsonShape.Error(await reader.Client.ApiGetAsync("experiments/get?experiment_id=987654"), HttpStatusCode.NotFound,
            "RESOURCE_DOES_NOT_EXIST", "No Experiment with id=987654 exists");
    }

    [Fact]
    public async Task Experiments_search_filters_by_name_and_pages_with_tokens()
    {
        var editor = await app.UserAsync(Roles.Editor);
        var stem = ApiApp.Unique("pages");
        var names = Enumerable.Range(1, 5).Select(i => $"{stem}-{i}").ToList();
        foreach (var name in names) Ok(await editor.Client.ApiPostAsync("experiments/create", new { name }));

        var (seen, pages) = await WalkAsync(editor.Client, "experiments/search", "experiments",
            token => new { filter = $"name LIKE '%{stem}%'", max_results = 2, page_token = token }, e => (string)e["name"]!);
        var exact = await editor.Client.ApiPostAsync("experiments/search", new { filter = $"name = '{names[2]}'" });

        Assert.Equal(3, pages);
        Assert.Equal(names.AsEnumerable().Reverse(), seen); // newest first
        Assert.Equal([names[2]], exact.Json["experiments"]!.AsArray().Select(e => (string)e!["name"]!));
    }

    [Fact]
    public async Task Experiments_search_pages_stay_correct_while_experiments_are_created_and_order_by_name_works()
    {
        var editor = await app.UserAsync(Roles.Editor);
        var stem = ApiApp.Unique("keyset");
        foreach (var n in new[] { "c", "a", "d", "b" }) Ok(await editor.Client.ApiPostAsync("experiments/create", new { name = $"{stem}-{n}" }));
        var filter = $"name LIKE '{stem}-%'";

        var first = await editor.Client.ApiPostAsync("experiments/search", new { filter, max_results = 2 });
        // Created between two pages: newer than every row already read, so it belongs before the cursor and shifts nothing.
        Ok(await editor.Client.ApiPostAsync("experiments/create", new { name = $"{stem}-e" }));
        var second = await editor.Client.ApiPostAsync("experiments/search", new { filter, max_results = 2, page_token = (string)first.Json["next_page_token"]! });
        var byName = await editor.Client.ApiPostAsync("experiments/search", new { filter, order_by = new[] { "name DESC" } });
        var otherSearch = await editor.Client.ApiPostAsync("experiments/search", new { filter = "name LIKE 'x%'", page_token = (string)first.Json["next_page_token"]! });

        string[] Names(ApiResponse r) => r.Json["experiments"]!.AsArray().Select(e => ((string)e!["name"]!)[(stem.Length + 1)..]).ToArray();
        Assert.Equal(["b", "d"], Names(first));
        Assert.Equal(["a", "c"], Names(second));
        Assert.Null((string?)second.Json["next_page_token"]);
        Assert.Equal(["e", "d", "c", "b", "a"], Names(byName));
        JsonShape.Error(otherSearch, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", null, "another filter or order_by");
    }

    [Fact]
    public async Task Experiments_search_filters_by_tags_and_ignores_case_with_ILIKE()
    {
        var editor = await app.UserAsync(Roles.Editor);
        var team = ApiApp.Unique("team");
        var tagged = ApiApp.Unique("Tagged");
        Ok(await editor.Client.ApiPostAsync("experiments/create", new { name = tagged, tags = new[] { new { key = "team", value = team } } }));
        Ok(await editor.Client.ApiPostAsync("experiments/create", new { name = ApiApp.Unique("untagged") }));

        var byTag = await editor.Client.ApiPostAsync("experiments/search", new { filter = $"tags.team = '{team}' AND name LIKE 'Tagged%'" });
        var byCase = await editor.Client.ApiPostAsync("experiments/search", new { filter = $"name ILIKE '{tagged.ToLowerInvariant()}'" });
        var caseSensitive = await editor.Client.ApiPostAsync("experiments/search", new { filter = $"name LIKE '{tagged.ToLowerInvariant()}'" });

        Assert.Equal([tagged], byTag.Json["experiments"]!.AsArray().Select(e => (string)e!["name"]!));
        Assert.Equal([tagged], byCase.Json["experiments"]!.AsArray().Select(e => (string)e!["name"]!));
        Assert.Equal("[]", caseSensitive.Json["experiments"]!.ToJsonString());
    }

    [Fact]
    public async Task Experiments_search_refuses_an_unknown_attribute_a_bad_token_and_a_bad_max_results()
    {
        var reader = await app.UserAsync(Roles.Reader);
        JsonShape.Error(await reader.Client.ApiPostAsync("experiments/search", new { filter = "colour = 'red'" }), HttpStatusCode.BadRequest,
            "INVALID_PARAMETER_VALUE", null, "unknown attribute 'colour'; use name, tags.<key>");
        JsonShape.Error(await reader.Client.ApiPostAsync("experiments/search", new { page_token = "not a token" }), HttpStatusCode.BadRequest,
            "INVALID_PARAMETER_VALUE", "Invalid page_token: pass the next_page_token returned by the previous page of the same search, unchanged.");
        JsonShape.Error(await reader.Client.ApiPostAsync("experiments/search", new { max_results = 0 }), HttpStatusCode.BadRequest,
            "INVALID_PARAMETER_VALUE", "Invalid value for max_results. It must be a positive integer, but got 0");
        JsonShape.Error(await reader.Client.ApiPostAsync("experiments/search", new { max_results = 50001 }), HttpStatusCode.BadRequest,
            "INVALID_PARAMETER_VALUE", "Invalid value for request parameter max_results. It must be at most 50000, but got value 50001");
        JsonShape.Error(await reader.Client.ApiPostAsync("experiments/search", new { order_by = new[] { "colour" } }), HttpStatusCode.BadRequest,
            "INVALID_PARAMETER_VALUE", "Invalid order by key 'colour' specified. Valid keys are 'name', 'experiment_id', 'creation_time', 'last_update_time'.");
    }

    // runs/*

    [Fact]
    public async Task Runs_create_answers_the_run_with_its_artifact_uri_and_tags()
    {
        var (editor, experimentId, _) = await ExperimentAsync();

        var created = await editor.Client.ApiPostAsync("runs/create", new
        {
            experiment_id = experimentId, run_name = "train", start_time = 1700000000000, user_id = "ignored",
            tags = new[] { new { key = "mlflow.source.name", value = "train.py" } },
        });

        var runId = (string)created.Json["run"]!["info"]!["run_id"]!;
        Assert.Matches("^[0-9a-f]{32}$", runId);
        JsonShape.Equal($$$"""
            {"run": {"info": {"run_id": "{{{runId}}}", "run_uuid": "{{{runId}}}", "run_name": "train", "experiment_id": "{{{experimentId}}}",
               "user_id": "{{{editor.Actor.UserId}}}", "status": "RUNNING", "start_time": 1700000000000,
               "artifact_uri": "mlflow-artifacts:/{{{experimentId}}}/{{{runId}}}/artifacts", "lifecycle_stage": "active"},
              "data": {"metrics": [], "params": [], "tags": [{"key": "mlflow.source.name", "value": "train.py"}, {"key": "mlflow.runName", "value": "train"}]},
              "inputs": {}, "outputs": {} } }
            """, created);
    }

    [Fact]
    public async Task Runs_create_refuses_an_unknown_or_malformed_experiment_and_a_Reader()
    {
        var (_, experimentId, _) = await ExperimentAsync();
        var editor = await app.UserAsync(Roles.Editor);
        var reader = await app.UserAsync(Roles.Reader);

        JsonShape.Error(await editor.Client.ApiPostAsync("runs/create", new { experiment_id = "987654" }), HttpStatusCode.NotFound,
            "RESOURCE_DOES_NOT_EXIST", "No Experiment with id=987654 exists");
        JsonShape.Error(await editor.Client.ApiPostAsync("runs/create", new { experiment_id = "x1" }), HttpStatusCode.BadRequest,
            "INVALID_PARAMETER_VALUE", "Invalid value 'x1' for parameter 'experiment_id': expected an experiment id.");
        JsonShape.Error(await editor.Client.ApiPostAsync("runs/create", new { run_name = "r" }), HttpStatusCode.BadRequest,
            "INVALID_PARAMETER_VALUE", null, "'experiment_id'");
        JsonShape.Error(await reader.Client.ApiPostAsync("runs/create", new { experiment_id = experimentId }), HttpStatusCode.Forbidden,
            "PERMISSION_DENIED", "You need the Editor role (or higher) to create experiments and log runs. Ask an admin.");
    }

    [Fact]
    public async Task Runs_get_answers_params_latest_metrics_and_tags_by_run_id_or_run_uuid()
    {
        var (editor, runId, experimentId) = await RunAsync();
        Ok(await editor.Client.ApiPostAsync("runs/log-parameter", new { run_id = runId, key = "lr", value = "0.1" }));
        Ok(await editor.Client.ApiPostAsync("runs/log-metric", new { run_id = runId, key = "auc", value = 0.8, timestamp = 1700000001000, step = 1 }));
        Ok(await editor.Client.ApiPostAsync("runs/log-metric", new { run_id = runId, key = "auc", value = 0.9, timestamp = 1700000002000, step = 2 }));
        Ok(await editor.Client.ApiPostAsync("runs/set-tag", new { run_id = runId, key = "stage", value = "tuning" }));

        var byId = await editor.Client.ApiGetAsync($"runs/get?run_id={runId}");
        var byUuid = await editor.Client.ApiGetAsync($"runs/get?run_uuid={runId}");

        JsonShape.Equal($$$"""
            {"run": {"info": {"run_id": "{{{runId}}}", "run_uuid": "{{{runId}}}", "run_name": "train", "experiment_id": "{{{experimentId}}}",
               "user_id": "{{{editor.Actor.UserId}}}", "status": "RUNNING", "start_time": 1700000000000,
               "artifact_uri": "mlflow-artifacts:/{{{experimentId}}}/{{{runId}}}/artifacts", "lifecycle_stage": "active"},
              "data": {"metrics": [{"key": "auc", "value": 0.9, "timestamp": 1700000002000, "step": 2}],
                       "params": [{"key": "lr", "value": "0.1"}], "tags": [{"key": "mlflow.runName", "value": "train"}, {"key": "stage", "value": "tuning"}]},
              "inputs": {}, "outputs": {} } }
            """, byId);
        Assert.Equal(byId.Json.ToJsonString(), byUuid.Json.ToJsonString());
    }

    [Fact]
    public async Task Runs_get_answers_404_for_an_unknown_run_and_400_without_an_id()
    {
        var reader = await app.UserAsync(Roles.Reader);
        JsonShape.Error(await reader.Client.ApiGetAsync("runs/get?run_id=0123456789abcdef0123456789abcdef"), HttpStatusCode.NotFound,
            "RESOURCE_DOES_NOT_EXIST", "Run with id=0123456789abcdef0123456789abcdef not found");
        JsonShape.Error(await reader.Client.ApiGetAsync("runs/get"), HttpStatusCode.BadRequest,
            "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'run_id'.");
    }

    [Fact]
    public async Task Runs_update_sets_status_end_time_and_name_and_answers_the_run_info()
    {
        var (editor, runId, experimentId) = await RunAsync();

        var updated = await editor.Client.ApiPostAsync("runs/update", new { run_id = runId, status = "finished", end_time = 1700000009000, run_name = "final" });

        JsonShape.Equal($$$"""
            {"run_info": {"run_id": "{{{runId}}}", "run_uuid": "{{{runId}}}", "run_name": "final", "experiment_id": "{{{experimentId}}}",
              "user_id": "{{{editor.Actor.UserId}}}", "status": "FINISHED", "start_time": 1700000000000, "end_time": 1700000009000,
              "artifact_uri": "mlflow-artifacts:/{{{experimentId}}}/{{{runId}}}/artifacts", "lifecycle_stage": "active"}}
            """, updated);
    }

    [Fact]
    public async Task Runs_update_refuses_an_unknown_status_and_an_unknown_run()
    {
        var (editor, runId, _) = await RunAsync();
        JsonShape.Error(await editor.Client.ApiPostAsync("runs/update", new { run_id = runId, status = "DONE" }), HttpStatusCode.BadRequest,
            "INVALID_PARAMETER_VALUE", "'DONE' is not a run status. Use one of: RUNNING, SCHEDULED, FINISHED, FAILED, KILLED.");
        JsonShape.Error(await editor.Client.ApiPostAsync("runs/update", new { run_id = "nope", status = "FINISHED" }), HttpStatusCode.NotFound,
            "RESOURCE_DOES_NOT_EXIST", "Run with id=nope not found");
    }

    [Fact]
    public async Task Runs_log_parameter_is_write_once_and_needs_a_key()
    {
        var (editor, runId, _) = await RunAsync();
        Ok(await editor.Client.ApiPostAsync("runs/log-parameter", new { run_id = runId, key = "lr", value = "0.1" }));

        var same = await editor.Client.ApiPostAsync("runs/log-parameter", new { run_id = runId, key = "lr", value = "0.1" });
        var changed = await editor.Client.ApiPostAsync("runs/log-parameter", new { run_id = runId, key = "lr", value = "0.2" });
        var noKey = await editor.Client.ApiPostAsync("runs/log-parameter", new { run_id = runId, value = "1" });
        var tooLong = await editor.Client.ApiPostAsync("runs/log-parameter", new { run_id = runId, key = "big", value = new string('x', 6001) });

        JsonShape.Equal("{}", same);
        JsonShape.Error(changed, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            $"Changing param values is not allowed. Param with key='lr' was already logged with value='0.1' for run ID='{runId}'. Attempted logging new value '0.2'.");
        JsonShape.Error(noKey, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", null, "'key'");
        JsonShape.Error(tooLong, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "The value of param 'big' is 6001 characters; the limit is 6000.");
    }

    [Fact]
    public async Task Runs_log_metric_refuses_a_missing_or_non_numeric_value()
    {
        var (editor, runId, _) = await RunAsync();
        JsonShape.Error(await editor.Client.ApiPostAsync("runs/log-metric", new { run_id = runId, key = "auc" }), HttpStatusCode.BadRequest,
            "INVALID_PARAMETER_VALUE", null, "'value'");
        JsonShape.Error(await editor.Client.ApiPostAsync("runs/log-metric", new { run_id = runId, key = "auc", value = "high" }), HttpStatusCode.BadRequest,
            "INVALID_PARAMETER_VALUE", "Invalid value for parameter 'value': 'high' is not a number.");
        JsonShape.Error(await editor.Client.ApiPostAsync("runs/log-metric", new { run_id = runId, key = "auc", value = 1, step = "two" }), HttpStatusCode.BadRequest,
            "INVALID_PARAMETER_VALUE", "Invalid value for parameter 'step': 'two' is not a whole number.");
    }

    [Fact]
    public async Task Metrics_get_history_answers_every_value_by_step()
    {
        var (editor, runId, _) = await RunAsync();
        Ok(await editor.Client.ApiPostAsync("runs/log-metric", new { run_id = runId, key = "loss", value = 0.5, timestamp = 1700000002000, step = 2 }));
        Ok(await editor.Client.ApiPostAsync("runs/log-metric", new { run_id = runId, key = "loss", value = 0.9, timestamp = 1700000001000, step = 1 }));
        Ok(await editor.Client.ApiPostAsync("runs/log-metric", new { run_id = runId, key = "other", value = 1 }));

        var history = await editor.Client.ApiGetAsync($"metrics/get-history?run_id={runId}&metric_key=loss");

        JsonShape.Equal("""
            {"metrics": [{"key": "loss", "value": 0.9, "timestamp": 1700000001000, "step": 1},
                         {"key": "loss", "value": 0.5, "timestamp": 1700000002000, "step": 2}]}
            """, history);
        JsonShape.Error(await editor.Client.ApiGetAsync($"metrics/get-history?run_id={runId}"), HttpStatusCode.BadRequest,
            "INVALID_PARAMETER_VALUE", null, "'metric_key'");
        JsonShape.Error(await editor.Client.ApiGetAsync("metrics/get-history?run_id=nope&metric_key=loss"), HttpStatusCode.NotFound,
            "RESOURCE_DOES_NOT_EXIST", "Run with id=nope not found");
    }

    [Fact]
    public async Task Runs_log_batch_logs_metrics_params_and_tags_at_once()
    {
        var (editor, runId, _) = await RunAsync();

        var logged = await editor.Client.ApiPostAsync("runs/log-batch", new
        {
            run_id = runId,
            metrics = new object[] { new { key = "auc", value = 0.7, timestamp = 1700000001000, step = 0 }, new { key = "f1", value = "0.5", timestamp = "1700000001000", step = "3" } },
            @params = new[] { new { key = "depth", value = "6" } },
            tags = new[] { new { key = "team", value = "risk" } },
        });
        var data = (await editor.Client.ApiGetAsync($"runs/get?run_id={runId}")).Json["run"]!["data"]!;

        JsonShape.Equal("{}", logged);
        Assert.Equal("""[{"key":"auc","value":0.7,"timestamp":1700000001000,"step":0},{"key":"f1","value":0.5,"timestamp":1700000001000,"step":3}]""",
            data["metrics"]!.ToJsonString());
        Assert.Equal("""[{"key":"depth","value":"6"}]""", data["params"]!.ToJsonString());
        Assert.Equal("""[{"key":"mlflow.runName","value":"train"},{"key":"team","value":"risk"}]""", data["tags"]!.ToJsonString());
    }

    [Fact]
    public async Task Runs_log_batch_refuses_a_metric_without_a_key_or_value_and_an_oversized_batch_and_logs_nothing()
    {
        var (editor, runId, _) = await RunAsync();

        var noKey = await editor.Client.ApiPostAsync("runs/log-batch", new { run_id = runId, metrics = new object[] { new { key = "ok", value = 1 }, new { value = 1 } } });
        var badValue = await editor.Client.ApiPostAsync("runs/log-batch", new { run_id = runId, metrics = new[] { new { key = "m", value = "x" } } });
        var tooMany = await editor.Client.ApiPostAsync("runs/log-batch", new
        {
            run_id = runId, @params = Enumerable.Range(0, 101).Select(i => new { key = $"p{i}", value = "v" }).ToArray(),
        });
        var notAList = await editor.Client.ApiPostAsync("runs/log-batch", new { run_id = runId, metrics = "auc" });

        JsonShape.Error(noKey, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            "Missing value for required parameter 'metrics[1].key'. See the API docs for more information about request parameters.");
        JsonShape.Error(badValue, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "Invalid value for parameter 'metrics[0].value': 'x' is not a number.");
        JsonShape.Error(tooMany, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            "A batch holds at most 1000 metrics, 100 params and 100 tags, 1000 in all. Split it.");
        JsonShape.Error(notAList, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "Invalid value for parameter 'metrics': expected a list of objects.");
        var data = (await editor.Client.ApiGetAsync($"runs/get?run_id={runId}")).Json["run"]!["data"]!;
        Assert.Equal(("[]", "[]"), (data["metrics"]!.ToJsonString(), data["params"]!.ToJsonString()));
    }

    [Fact]
    public async Task Runs_set_tag_overwrites_and_delete_tag_removes_or_answers_404()
    {
        var (editor, runId, _) = await RunAsync();
        Ok(await editor.Client.ApiPostAsync("runs/set-tag", new { run_id = runId, key = "note", value = "first" }));
        Ok(await editor.Client.ApiPostAsync("runs/set-tag", new { run_id = runId, key = "note", value = "second" }));
        var afterSet = (await editor.Client.ApiGetAsync($"runs/get?run_id={runId}")).Json["run"]!["data"]!["tags"]!.ToJsonString();

        JsonShape.Equal("{}", await editor.Client.ApiPostAsync("runs/delete-tag", new { run_id = runId, key = "note" }));
        var afterDelete = (await editor.Client.ApiGetAsync($"runs/get?run_id={runId}")).Json["run"]!["data"]!["tags"]!.ToJsonString();
        var again = await editor.Client.ApiPostAsync("runs/delete-tag", new { run_id = runId, key = "note" });

        Assert.Equal("""[{"key":"mlflow.runName","value":"train"},{"key":"note","value":"second"}]""", afterSet);
        Assert.Equal("""[{"key":"mlflow.runName","value":"train"}]""", afterDelete);
        JsonShape.Error(again, HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", $"No tag with name: note in run with id {runId}");
        JsonShape.Error(await editor.Client.ApiPostAsync("runs/set-tag", new { run_id = runId, key = "../x", value = "v" }), HttpStatusCode.BadRequest,
            "INVALID_PARAMETER_VALUE", "The tag key '../x' may not contain '..' or start with '/'.");
    }

    [Fact]
    public async Task Runs_log_model_appends_to_the_model_history_tag_and_refuses_invalid_json()
    {
        var (editor, runId, _) = await RunAsync();

        Ok(await editor.Client.ApiPostAsync("runs/log-model", new { run_id = runId, model_json = """{"artifact_path": "model", "flavors": {}}""" }));
        Ok(await editor.Client.ApiPostAsync("runs/log-model", new { run_id = runId, model_json = """{"artifact_path": "model2", "flavors": {}}""" }));
        var invalid = await editor.Client.ApiPostAsync("runs/log-model", new { run_id = runId, model_json = "{not json" });
        var tags = (await editor.Client.ApiGetAsync($"runs/get?run_id={runId}")).Json["run"]!["data"]!["tags"]!.AsArray();

        var history = tags.Single(t => (string?)t!["key"] == "mlflow.log-model.history")!["value"]!.ToString();
        Assert.Equal("""[{"artifact_path":"model","flavors":{}},{"artifact_path":"model2","flavors":{}}]""", history);
        JsonShape.Error(invalid, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "model_json is not valid JSON.");
    }

    [Fact]
    public async Task Runs_search_filters_orders_and_pages_with_tokens()
    {
        var (editor, experimentId, _) = await ExperimentAsync();
        var aucs = new[] { 0.5, 0.9, 0.7, 0.95, 0.6 };
        var runIds = new Dictionary<double, string>();
        foreach (var auc in aucs)
        {
            var run = await editor.Client.ApiPostAsync("runs/create", new { experiment_id = experimentId });
            var runId = (string)run.Json["run"]!["info"]!["run_id"]!;
            Ok(await editor.Client.ApiPostAsync("runs/log-metric", new { run_id = runId, key = "auc", value = auc }));
            runIds[auc] = runId;
        }

        var (seen, pages) = await WalkAsync(editor.Client, "runs/search", "runs", token => new
        {
            experiment_ids = new[] { experimentId }, filter = "metrics.auc >= 0.6", order_by = new[] { "metrics.auc DESC" }, max_results = 2, page_token = token,
        }, r => (string)r["info"]!["run_id"]!);

        Assert.Equal(2, pages);
        Assert.Equal(new[] { 0.95, 0.9, 0.7, 0.6 }.Select(a => runIds[a]), seen);
    }

    [Fact]
    public async Task Runs_search_refuses_a_filter_that_does_not_parse_and_an_order_by_on_an_unknown_attribute()
    {
        var (reader, experimentId, _) = await ExperimentAsync();

        var badFilter = await reader.Client.ApiPostAsync("runs/search", new { experiment_ids = new[] { experimentId }, filter = "metrics.auc >" });
        var badOrder = await reader.Client.ApiPostAsync("runs/search", new { experiment_ids = new[] { experimentId }, order_by = new[] { "colour DESC" } });
        var badMax = await reader.Client.ApiPostAsync("runs/search", new { experiment_ids = new[] { experimentId }, max_results = 50001 });

        JsonShape.Error(badFilter, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", null, "metrics.auc");
        JsonShape.Error(badOrder, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", null, "colour");
        JsonShape.Error(badMax, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "Invalid value for request parameter max_results. It must be at most 50000, but got value 50001");
    }

    [Fact]
    public async Task Runs_search_pages_stay_correct_while_runs_are_logged_and_runs_without_the_key_come_last_across_pages()
    {
        var (editor, experimentId, _) = await ExperimentAsync();
        async Task<string> LogAsync(long start, double? auc, string? tag = null)
        {
            var run = await editor.Client.ApiPostAsync("runs/create", new { experiment_id = experimentId, start_time = start, run_name = $"r{start}" });
            var runId = (string)run.Json["run"]!["info"]!["run_id"]!;
            if (auc is { } value) Ok(await editor.Client.ApiPostAsync("runs/log-metric", new { run_id = runId, key = "auc", value }));
            if (tag is not null) Ok(await editor.Client.ApiPostAsync("runs/set-tag", new { run_id = runId, key = "team", value = tag }));
            return $"r{start}";
        }
        await LogAsync(1000, 0.7, "b");
        await LogAsync(2000, null, "a");
        await LogAsync(3000, 0.9);
        await LogAsync(4000, null);
        Task<(List<string> Names, int Pages)> WalkRunsAsync(object order, Func<Task>? betweenPages = null) =>
            WalkAsync(editor.Client, "runs/search", "runs", token => new { experiment_ids = new[] { experimentId }, order_by = order, max_results = 1, page_token = token },
                r => (string)r["info"]!["run_name"]!, betweenPages);

        // Newest first; a run started later than every row read so far lands before the cursor and shifts nothing.
        var newest = await WalkRunsAsync(Array.Empty<string>(), async () => await LogAsync(5000, 0.5));
        var byMetric = await WalkRunsAsync(new[] { "metrics.auc DESC" });
        var byMetricAscending = await WalkRunsAsync(new[] { "metrics.auc" });
        var byTag = await WalkRunsAsync(new[] { "tags.team ASC" });

        Assert.Equal(["r4000", "r3000", "r2000", "r1000"], newest.Names);
        Assert.Equal(["r3000", "r1000", "r5000", "r4000", "r2000"], byMetric.Names); // without auc: last, newest first
        Assert.Equal(["r5000", "r1000", "r3000", "r4000", "r2000"], byMetricAscending.Names);
        Assert.Equal(["r2000", "r1000", "r5000", "r4000", "r3000"], byTag.Names);
    }

    [Fact]
    public async Task Tracking_answers_under_the_ajax_prefix_too_and_401_without_credentials()
    {
        var (editor, id, _) = await ExperimentAsync();

        var ajax = await editor.Client.ApiGetAsync($"/ajax-api/2.0/mlflow/experiments/get?experiment_id={id}");
        var anonymous = await app.Anonymous().ApiGetAsync($"experiments/get?experiment_id={id}");

        Assert.Equal(id, (string?)ajax.Json["experiment"]!["experiment_id"]);
        JsonShape.Error(anonymous, HttpStatusCode.Unauthorized, "UNAUTHENTICATED", null);
    }
}
