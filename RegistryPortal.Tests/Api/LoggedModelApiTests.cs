using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using RegistryPortal.Domain;
using static RegistryPortal.Tests.Api.ApiCalls;

namespace RegistryPortal.Tests.Api;

/// <summary>
/// MLflow 3's logged models over HTTP, an endpoint and an error at a time: logged-models (create, get, finalize,
/// delete, tags, search), runs/outputs, metrics logged with a model_id, and registering a version from models:/m-….
/// </summary>
[Collection(ApiCollection.Name)]
public class LoggedModelApiTests(ApiApp app)
{
    private const string Pending = "LOGGED_MODEL_PENDING";
    private const string Ready = "LOGGED_MODEL_READY";
    private const string NoSuchModel = "m-0123456789abcdef0123456789abcdef";

    private sealed record Setup(ApiUser User, string ExperimentId, string RunId)
    {
        public HttpClient Client => User.Client;
    }

    private async Task<Setup> RunAsync(string role = Roles.Editor)
    {
        var user = await app.UserAsync(role);
        var experimentId = (string)Ok(await user.Client.ApiPostAsync("experiments/create", new { name = ApiApp.Unique("exp") })).Json["experiment_id"]!;
        var run = Ok(await user.Client.ApiPostAsync("runs/create", new { experiment_id = experimentId, run_name = "train", start_time = 1700000000000 }));
        return new Setup(user, experimentId, (string)run.Json["run"]!["info"]!["run_id"]!);
    }

    /// <summary>A logged model of the run, as MLflow's client creates one in log_model; its id.</summary>
    private static async Task<string> ModelAsync(Setup s, string name = "model", object[]? tags = null)
    {
        var created = Ok(await s.Client.ApiPostAsync("logged-models", new
        {
            experiment_id = s.ExperimentId, name, source_run_id = s.RunId, tags = tags ?? [],
        }));
        return (string)created.Json["model"]!["info"]!["model_id"]!;
    }

    private static ApiResponse Ok(ApiResponse response)
    {
        Assert.True(response.Status == HttpStatusCode.OK, response.ToString());
        return response;
    }

    private static string NotFound(string id) => $"Logged model with ID '{id}' not found.";

    private static async Task PutAsync(HttpClient client, string artifactPath, byte[] bytes)
    {
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/2.0/mlflow-artifacts/artifacts/{artifactPath}") { Content = new ByteArrayContent(bytes) };
        put.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var response = await client.SendAsync(put);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"PUT {artifactPath}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static IEnumerable<string> Names(ApiResponse search) => search.Json["models"]!.AsArray().Select(m => (string)m!["info"]!["name"]!);

    // logged-models (create, get)

    [Fact]
    public async Task Create_answers_a_PENDING_model_with_its_artifact_uri_params_and_tags_and_get_answers_the_same()
    {
        var s = await RunAsync();

        var created = await s.Client.ApiPostAsync("logged-models", new
        {
            experiment_id = s.ExperimentId, name = "model", source_run_id = s.RunId, model_type = "sklearn",
            @params = new[] { new { key = "n_estimators", value = "10" }, new { key = "max_depth", value = "3" } },
            tags = new[] { new { key = "mlflow.user", value = "root" }, new { key = "mlflow.source.name", value = "train.py" } },
        });
        var id = (string)created.Json["model"]!["info"]!["model_id"]!;
        var got = await s.Client.ApiGetAsync($"logged-models/{id}");

        Assert.Matches("^m-[0-9a-f]{32}$", id);
        var expected = $$$"""
            {"model": {"info": {"model_id": "{{{id}}}", "experiment_id": "{{{s.ExperimentId}}}", "name": "model",
               "creation_timestamp_ms": "<ts>", "last_updated_timestamp_ms": "<ts>",
               "artifact_uri": "mlflow-artifacts:/{{{s.ExperimentId}}}/models/{{{id}}}/artifacts", "status": "LOGGED_MODEL_PENDING",
               "model_type": "sklearn", "source_run_id": "{{{s.RunId}}}",
               "tags": [{"key": "mlflow.source.name", "value": "train.py"}, {"key": "mlflow.user", "value": "root"}]},
              "data": {"params": [{"key": "max_depth", "value": "3"}, {"key": "n_estimators", "value": "10"}]} } }
            """;
        JsonShape.Equal(expected, created);
        JsonShape.Equal(expected, got);
        Assert.Equal(created.Json.ToJsonString(), got.Json.ToJsonString());
    }

    [Fact]
    public async Task Create_without_a_name_or_a_run_names_the_model_and_leaves_out_what_is_empty()
    {
        var s = await RunAsync();

        var created = await s.Client.ApiPostAsync("logged-models", new { experiment_id = s.ExperimentId });
        var id = (string)created.Json["model"]!["info"]!["model_id"]!;

        // As MLflow's server: no source_run_id, tags, params or metrics when there are none.
        JsonShape.Equal($$$"""
            {"model": {"info": {"model_id": "{{{id}}}", "experiment_id": "{{{s.ExperimentId}}}", "name": "model-{{{id[2..10]}}}",
               "creation_timestamp_ms": "<ts>", "last_updated_timestamp_ms": "<ts>",
               "artifact_uri": "mlflow-artifacts:/{{{s.ExperimentId}}}/models/{{{id}}}/artifacts", "status": "LOGGED_MODEL_PENDING",
               "model_type": ""},
              "data": {} } }
            """, created);
    }

    [Fact]
    public async Task Create_refuses_an_unknown_or_malformed_experiment_a_bad_name_and_a_run_of_another_experiment()
    {
        var s = await RunAsync();
        var other = await RunAsync();

        JsonShape.Error(await s.Client.ApiPostAsync("logged-models", new { experiment_id = "987654", name = "m" }), HttpStatusCode.NotFound,
            "RESOURCE_DOES_NOT_EXIST", "No Experiment with id=987654 exists");
        JsonShape.Error(await s.Client.ApiPostAsync("logged-models", new { experiment_id = "x1" }), HttpStatusCode.BadRequest,
            "INVALID_PARAMETER_VALUE", "Invalid value 'x1' for parameter 'experiment_id': expected an experiment id.");
        JsonShape.Error(await s.Client.ApiPostAsync("logged-models", new { name = "m" }), HttpStatusCode.BadRequest,
            "INVALID_PARAMETER_VALUE", null, "'experiment_id'");
        JsonShape.Error(await s.Client.ApiPostAsync("logged-models", new { experiment_id = s.ExperimentId, name = "my.model" }), HttpStatusCode.BadRequest,
            "INVALID_PARAMETER_VALUE", """Invalid model name ('my.model') provided. Model name must be a non-empty string and cannot contain the following characters: ('/', ':', '.', '%', '"', "'")""");
        JsonShape.Error(await s.Client.ApiPostAsync("logged-models", new { experiment_id = s.ExperimentId, source_run_id = other.RunId }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            $"Run {other.RunId} belongs to experiment {other.ExperimentId}, not {s.ExperimentId}: log the model to the run's experiment.");
        JsonShape.Error(await s.Client.ApiPostAsync("logged-models", new { experiment_id = s.ExperimentId, source_run_id = "0123456789abcdef0123456789abcdef" }),
            HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "Run with id=0123456789abcdef0123456789abcdef not found");
    }

    [Fact]
    public async Task A_Reader_reads_logged_models_but_gets_403_on_create_finalize_tags_and_delete()
    {
        var s = await RunAsync();
        var id = await ModelAsync(s);
        var reader = (await app.UserAsync(Roles.Reader)).Client;
        const string message = "You need the Editor role (or higher) to create experiments and log runs. Ask an admin.";

        Ok(await reader.ApiGetAsync($"logged-models/{id}"));
        Ok(await reader.ApiPostAsync("logged-models/search", new { experiment_ids = new[] { s.ExperimentId } }));
        JsonShape.Error(await reader.ApiPostAsync("logged-models", new { experiment_id = s.ExperimentId, name = "m" }),
            HttpStatusCode.Forbidden, "PERMISSION_DENIED", message);
        JsonShape.Error(await reader.ApiPatchAsync($"logged-models/{id}", new { status = Ready }), HttpStatusCode.Forbidden, "PERMISSION_DENIED", message);
        JsonShape.Error(await reader.ApiPatchAsync($"logged-models/{id}/tags", new { tags = new[] { new { key = "k", value = "v" } } }),
            HttpStatusCode.Forbidden, "PERMISSION_DENIED", message);
        JsonShape.Error(await reader.ApiDeleteAsync($"logged-models/{id}"), HttpStatusCode.Forbidden, "PERMISSION_DENIED", message);
        JsonShape.Error(await reader.ApiPostAsync("runs/outputs", new { run_id = s.RunId, models = new[] { new { model_id = id, step = 0 } } }),
            HttpStatusCode.Forbidden, "PERMISSION_DENIED", message);
        Assert.Equal(Pending, (string?)Ok(await reader.ApiGetAsync($"logged-models/{id}")).Json["model"]!["info"]!["status"]);
    }

    [Fact]
    public async Task Get_of_an_unknown_model_is_RESOURCE_DOES_NOT_EXIST()
    {
        var reader = (await app.UserAsync(Roles.Reader)).Client;
        JsonShape.Error(await reader.ApiGetAsync($"logged-models/{NoSuchModel}"), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", NotFound(NoSuchModel));
        JsonShape.Error(await reader.ApiGetAsync("logged-models/not-an-id"), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", NotFound("not-an-id"));
    }

    [Fact]
    public async Task Both_prefixes_serve_logged_models()
    {
        var s = await RunAsync();

        var created = await s.Client.ApiPostAsync("/ajax-api/2.0/mlflow/logged-models", new { experiment_id = s.ExperimentId, name = "ajax" });
        var id = (string)Ok(created).Json["model"]!["info"]!["model_id"]!;
        var viaApi = await s.Client.ApiGetAsync($"/api/2.0/mlflow/logged-models/{id}");
        var viaAjax = await s.Client.ApiGetAsync($"/ajax-api/2.0/mlflow/logged-models/{id}");
        var search = await s.Client.ApiPostAsync("/ajax-api/2.0/mlflow/logged-models/search", new { experiment_ids = new[] { s.ExperimentId } });
        var anonymous = await app.Anonymous().ApiGetAsync($"/ajax-api/2.0/mlflow/logged-models/{id}");

        Assert.Equal("ajax", (string?)Ok(viaApi).Json["model"]!["info"]!["name"]);
        Assert.Equal(viaApi.Json.ToJsonString(), Ok(viaAjax).Json.ToJsonString());
        Assert.Equal(["ajax"], Names(Ok(search)));
        JsonShape.Error(anonymous, HttpStatusCode.Unauthorized, "UNAUTHENTICATED", null);
    }

    // PATCH logged-models/{id}: finalize

    [Fact]
    public async Task Finalize_sets_READY_or_UPLOAD_FAILED_by_name_or_by_the_protos_number()
    {
        var s = await RunAsync();
        var ready = await ModelAsync(s, "ready");
        var failed = await ModelAsync(s, "failed");
        var before = (long)Ok(await s.Client.ApiGetAsync($"logged-models/{ready}")).Json["model"]!["info"]!["last_updated_timestamp_ms"]!;

        var finalized = await s.Client.ApiPatchAsync($"logged-models/{ready}", new { model_id = ready, status = Ready });
        var byNumber = await s.Client.ApiPatchAsync($"logged-models/{failed}", new { status = 3 }); // LOGGED_MODEL_UPLOAD_FAILED = 3

        JsonShape.Equal($$$"""
            {"model": {"info": {"model_id": "{{{ready}}}", "experiment_id": "{{{s.ExperimentId}}}", "name": "ready",
               "creation_timestamp_ms": "<ts>", "last_updated_timestamp_ms": "<ts>",
               "artifact_uri": "mlflow-artifacts:/{{{s.ExperimentId}}}/models/{{{ready}}}/artifacts", "status": "LOGGED_MODEL_READY",
               "model_type": "", "source_run_id": "{{{s.RunId}}}"},
              "data": {} } }
            """, finalized);
        Assert.True((long)finalized.Json["model"]!["info"]!["last_updated_timestamp_ms"]! >= before);
        Assert.Equal("LOGGED_MODEL_UPLOAD_FAILED", (string?)Ok(byNumber).Json["model"]!["info"]!["status"]);
        Assert.Equal(Ready, (string?)Ok(await s.Client.ApiGetAsync($"logged-models/{ready}")).Json["model"]!["info"]!["status"]);
    }

    [Fact]
    public async Task Finalize_refuses_a_bad_status_a_second_finalize_and_an_unknown_model()
    {
        var s = await RunAsync();
        var id = await ModelAsync(s);

        var bad = await s.Client.ApiPatchAsync($"logged-models/{id}", new { status = "DONE" });
        var pending = await s.Client.ApiPatchAsync($"logged-models/{id}", new { status = Pending });
        var missing = await s.Client.ApiPatchAsync($"logged-models/{id}", new { model_id = id });
        Ok(await s.Client.ApiPatchAsync($"logged-models/{id}", new { status = Ready }));
        var twice = await s.Client.ApiPatchAsync($"logged-models/{id}", new { status = Ready });
        var unknown = await s.Client.ApiPatchAsync($"logged-models/{NoSuchModel}", new { status = Ready });

        JsonShape.Error(bad, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            "Invalid value 'DONE' for parameter 'status': a logged model is finalized as LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED.");
        JsonShape.Error(pending, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            "Invalid value 'LOGGED_MODEL_PENDING' for parameter 'status': a logged model is finalized as LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED.");
        JsonShape.Error(missing, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", null, "'status'");
        JsonShape.Error(twice, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            $"Logged model {id} is already finalized as LOGGED_MODEL_READY; only a LOGGED_MODEL_PENDING model can be finalized.");
        JsonShape.Error(unknown, HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", NotFound(NoSuchModel));
    }

    // tags

    [Fact]
    public async Task Set_tags_adds_and_overwrites_and_delete_tag_removes_one_even_with_a_slash_in_its_key()
    {
        var s = await RunAsync();
        var id = await ModelAsync(s, tags: [new { key = "team", value = "risk" }]);

        var set = await s.Client.ApiPatchAsync($"logged-models/{id}/tags",
            new { tags = new[] { new { key = "team", value = "fraud" }, new { key = "data/version", value = "7" }, new { key = "mlflow.note", value = "n" } } });
        var afterSet = Ok(await s.Client.ApiGetAsync($"logged-models/{id}")).Json["model"]!["info"]!["tags"]!.ToJsonString();
        var deleted = await s.Client.ApiDeleteAsync($"logged-models/{id}/tags/data/version");
        var deletedDotted = await s.Client.ApiDeleteAsync($"logged-models/{id}/tags/mlflow.note");
        var afterDelete = Ok(await s.Client.ApiGetAsync($"logged-models/{id}")).Json["model"]!["info"]!["tags"]!.ToJsonString();

        JsonShape.Equal("{}", set);
        Assert.Equal("""[{"key":"data/version","value":"7"},{"key":"mlflow.note","value":"n"},{"key":"team","value":"fraud"}]""", afterSet);
        JsonShape.Equal("{}", deleted);
        JsonShape.Equal("{}", deletedDotted);
        Assert.Equal("""[{"key":"team","value":"fraud"}]""", afterDelete);
    }

    [Fact]
    public async Task Delete_tag_of_a_missing_key_or_model_is_RESOURCE_DOES_NOT_EXIST()
    {
        var s = await RunAsync();
        var id = await ModelAsync(s);

        JsonShape.Error(await s.Client.ApiDeleteAsync($"logged-models/{id}/tags/nope"), HttpStatusCode.NotFound,
            "RESOURCE_DOES_NOT_EXIST", $"No tag with key 'nope' found for model with ID '{id}'.");
        JsonShape.Error(await s.Client.ApiDeleteAsync($"logged-models/{NoSuchModel}/tags/nope"), HttpStatusCode.NotFound,
            "RESOURCE_DOES_NOT_EXIST", NotFound(NoSuchModel));
        JsonShape.Error(await s.Client.ApiPatchAsync($"logged-models/{NoSuchModel}/tags", new { tags = new[] { new { key = "k", value = "v" } } }),
            HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", NotFound(NoSuchModel));
    }

    [Fact]
    public async Task Set_tags_refuses_a_tag_without_a_key_and_sets_none_of_the_batch()
    {
        var s = await RunAsync();
        var id = await ModelAsync(s);

        var refused = await s.Client.ApiPatchAsync($"logged-models/{id}/tags",
            new { tags = new object[] { new { key = "ok", value = "1" }, new { key = "", value = "2" } } });

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string?)refused.Json["error_code"]);
        Assert.Null(Ok(await s.Client.ApiGetAsync($"logged-models/{id}")).Json["model"]!["info"]!["tags"]);
    }

    // DELETE logged-models/{id}

    [Fact]
    public async Task A_deleted_model_answers_404_to_get_tags_finalize_and_delete_but_get_with_allow_deleted_finds_it()
    {
        var s = await RunAsync();
        var id = await ModelAsync(s, tags: [new { key = "team", value = "risk" }]);

        var deleted = await s.Client.ApiDeleteAsync($"logged-models/{id}");
        var get = await s.Client.ApiGetAsync($"logged-models/{id}");
        var allowDeleted = await s.Client.ApiGetAsync($"logged-models/{id}?allow_deleted=true");
        var setTags = await s.Client.ApiPatchAsync($"logged-models/{id}/tags", new { tags = new[] { new { key = "k", value = "v" } } });
        var deleteTag = await s.Client.ApiDeleteAsync($"logged-models/{id}/tags/team");
        var finalize = await s.Client.ApiPatchAsync($"logged-models/{id}", new { status = Ready });
        var again = await s.Client.ApiDeleteAsync($"logged-models/{id}");
        var search = await s.Client.ApiPostAsync("logged-models/search", new { experiment_ids = new[] { s.ExperimentId } });

        JsonShape.Equal("{}", deleted);
        foreach (var answer in new[] { get, setTags, deleteTag, finalize, again })
            JsonShape.Error(answer, HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", NotFound(id));
        Assert.Equal(id, (string?)Ok(allowDeleted).Json["model"]!["info"]!["model_id"]);
        Assert.Equal("""[{"key":"team","value":"risk"}]""", allowDeleted.Json["model"]!["info"]!["tags"]!.ToJsonString());
        Assert.Empty(Names(Ok(search)));
    }

    // logged-models/search

    [Fact]
    public async Task Search_filters_by_name_status_tag_and_metric_within_the_experiments_named()
    {
        var s = await RunAsync();
        var other = await RunAsync();
        var a = await ModelAsync(s, "a", [new { key = "team", value = "risk" }]);
        await Task.Delay(5); // creation times are milliseconds: b is newer than a
        var b = await ModelAsync(s, "b", [new { key = "team", value = "fraud" }]);
        await ModelAsync(other, "a");
        Ok(await s.Client.ApiPatchAsync($"logged-models/{a}", new { status = Ready }));
        Ok(await s.Client.ApiPostAsync("runs/log-batch", new
        {
            run_id = s.RunId,
            metrics = new object[]
            {
                new { key = "acc", value = 0.7, timestamp = 1, step = 0, model_id = a },
                new { key = "acc", value = 0.95, timestamp = 2, step = 1, model_id = a }, // the latest: what the filter compares
                new { key = "acc", value = 0.9, timestamp = 3, step = 0, model_id = b },
            },
        }));
        async Task<IEnumerable<string>> SearchAsync(string? filter, params string[] experiments) =>
            Names(Ok(await s.Client.ApiPostAsync("logged-models/search", new { experiment_ids = experiments, filter })));

        Assert.Equal(["a"], await SearchAsync("name = 'a'", s.ExperimentId));
        Assert.Equal(["a", "a"], await SearchAsync("name = 'a'", s.ExperimentId, other.ExperimentId));
        Assert.Equal(["a"], await SearchAsync($"status = '{Ready}'", s.ExperimentId));
        Assert.Equal(["b"], await SearchAsync("tags.team = 'fraud'", s.ExperimentId));
        Assert.Equal(["a"], await SearchAsync("metrics.acc > 0.92", s.ExperimentId));
        Assert.Equal(["b"], await SearchAsync("metrics.acc < 0.92 AND name LIKE 'b%'", s.ExperimentId));
        Assert.Equal(["b", "a"], await SearchAsync(null, s.ExperimentId)); // newest first
    }

    [Fact]
    public async Task Search_answers_MLflows_shape_with_data_metrics()
    {
        var s = await RunAsync();
        var id = await ModelAsync(s);
        Ok(await s.Client.ApiPostAsync("runs/log-batch", new { run_id = s.RunId, metrics = new[] { new { key = "acc", value = 1.0, timestamp = 1700000001000, step = 0, model_id = id } } }));

        var search = await s.Client.ApiPostAsync("logged-models/search", new { experiment_ids = new[] { s.ExperimentId }, filter = "name = 'model'" });

        JsonShape.Equal($$$"""
            {"models": [{"info": {"model_id": "{{{id}}}", "experiment_id": "{{{s.ExperimentId}}}", "name": "model",
               "creation_timestamp_ms": "<ts>", "last_updated_timestamp_ms": "<ts>",
               "artifact_uri": "mlflow-artifacts:/{{{s.ExperimentId}}}/models/{{{id}}}/artifacts", "status": "LOGGED_MODEL_PENDING",
               "model_type": "", "source_run_id": "{{{s.RunId}}}"},
              "data": {"metrics": [{"key": "acc", "value": 1, "timestamp": 1700000001000, "step": 0, "model_id": "{{{id}}}", "run_id": "{{{s.RunId}}}"}]}}]}
            """, search);
    }

    [Fact]
    public async Task Search_pages_with_page_tokens_and_refuses_a_token_of_another_search()
    {
        var s = await RunAsync();
        var names = new[] { "m1", "m2", "m3", "m4", "m5" };
        foreach (var name in names) await ModelAsync(s, name);

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        string? firstToken = null;
        do
        {
            var page = Ok(await s.Client.ApiPostAsync("logged-models/search",
                new { experiment_ids = new[] { s.ExperimentId }, max_results = 2, page_token = token, order_by = new[] { new { field_name = "name", ascending = true } } }));
            seen.AddRange(Names(page));
            token = (string?)page.Json["next_page_token"];
            firstToken ??= token;
            pages++;
        } while (token is not null && pages < 10);
        var otherSearch = await s.Client.ApiPostAsync("logged-models/search", new
        {
            experiment_ids = new[] { s.ExperimentId }, filter = "name = 'm1'", page_token = firstToken,
            order_by = new[] { new { field_name = "name", ascending = true } },
        });
        var garbage = await s.Client.ApiPostAsync("logged-models/search", new { experiment_ids = new[] { s.ExperimentId }, page_token = "not a token" });

        Assert.Equal(3, pages);
        Assert.Equal(names, seen);
        JsonShape.Error(otherSearch, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            "Invalid page_token: it belongs to a search with another filter or order_by. Repeat the same search to get its next page.");
        JsonShape.Error(garbage, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", null, "page_token");
    }

    [Fact]
    public async Task Search_orders_by_order_by_objects_attributes_and_metrics_ascending_by_default()
    {
        var s = await RunAsync();
        var ids = new Dictionary<string, string>();
        foreach (var name in new[] { "b", "c", "a", "d" })
        {
            ids[name] = await ModelAsync(s, name);
            await Task.Delay(5); // creation times are milliseconds: each model is newer than the one before
        }
        var acc = new Dictionary<string, double> { ["a"] = 0.5, ["b"] = 0.9, ["c"] = 0.7 }; // d has none: last either way
        Ok(await s.Client.ApiPostAsync("runs/log-batch", new
        {
            run_id = s.RunId,
            metrics = acc.Select(m => new { key = "acc", value = m.Value, timestamp = 1, step = 0, model_id = ids[m.Key] }).ToArray(),
        }));
        async Task<IEnumerable<string>> OrderAsync(params object[] orderBy) =>
            Names(Ok(await s.Client.ApiPostAsync("logged-models/search", new { experiment_ids = new[] { s.ExperimentId }, order_by = orderBy })));

        Assert.Equal(["a", "b", "c", "d"], await OrderAsync(new { field_name = "name" }));
        Assert.Equal(["d", "c", "b", "a"], await OrderAsync(new { field_name = "name", ascending = false }));
        Assert.Equal(["b", "c", "a", "d"], await OrderAsync(new { field_name = "metrics.acc", ascending = false }));
        Assert.Equal(["a", "c", "b", "d"], await OrderAsync(new { field_name = "metrics.acc", ascending = true }));
        Assert.Equal(["b", "c", "a", "d"], await OrderAsync(new { field_name = "creation_timestamp", ascending = true }));
    }

    [Fact]
    public async Task Search_refuses_a_bad_filter_naming_the_position_a_bad_order_and_no_experiments()
    {
        var s = await RunAsync();
        var experiments = new[] { s.ExperimentId };

        var badFilter = await s.Client.ApiPostAsync("logged-models/search", new { experiment_ids = experiments, filter = "name = 'a' AND colour = 'red'" });
        var unquoted = await s.Client.ApiPostAsync("logged-models/search", new { experiment_ids = experiments, filter = "name = a" });
        var badOrder = await s.Client.ApiPostAsync("logged-models/search", new { experiment_ids = experiments, order_by = new[] { new { field_name = "colour" } } });
        var noField = await s.Client.ApiPostAsync("logged-models/search", new { experiment_ids = experiments, order_by = new[] { new { ascending = true } } });
        var noExperiments = await s.Client.ApiPostAsync("logged-models/search", new { filter = "name = 'a'" });
        var badExperiment = await s.Client.ApiPostAsync("logged-models/search", new { experiment_ids = new[] { "x" } });

        JsonShape.Error(badFilter, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", null, "Invalid filter at position 16:", "'colour'");
        JsonShape.Error(unquoted, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", null, "Invalid filter at position 8:"); // 1-based
        JsonShape.Error(badOrder, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", null, "colour");
        JsonShape.Error(noField, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", null, "order_by[0].field_name");
        JsonShape.Error(noExperiments, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            "Missing value for required parameter 'experiment_ids': name the experiments to search.");
        JsonShape.Error(badExperiment, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            "Invalid value 'x' for parameter 'experiment_ids': expected experiment ids.");
    }

    // runs/outputs and metrics with a model_id

    [Fact]
    public async Task Runs_outputs_then_runs_get_answers_outputs_model_outputs()
    {
        var s = await RunAsync();
        var first = await ModelAsync(s, "first");
        var second = await ModelAsync(s, "second");

        var logged = await s.Client.ApiPostAsync("runs/outputs", new { run_id = s.RunId, models = new[] { new { model_id = first, step = 0 }, new { model_id = second, step = 3 } } });
        var run = await s.Client.ApiGetAsync($"runs/get?run_id={s.RunId}");

        JsonShape.Equal("{}", logged);
        Ok(run);
        // The run's inputs and outputs exactly; its info and data are TrackingApiTests' business.
        var inputsAndOutputs = new JsonObject { ["inputs"] = run.Json["run"]!["inputs"]!.DeepClone(), ["outputs"] = run.Json["run"]!["outputs"]!.DeepClone() };
        JsonShape.Equal($$$"""
            {"inputs": {}, "outputs": {"model_outputs": [{"model_id": "{{{first}}}", "step": 0}, {"model_id": "{{{second}}}", "step": 3}]}}
            """, run with { Body = inputsAndOutputs });
    }

    [Fact]
    public async Task Runs_outputs_refuses_an_unknown_model_or_run_and_records_nothing()
    {
        var s = await RunAsync();
        var id = await ModelAsync(s);

        var unknownModel = await s.Client.ApiPostAsync("runs/outputs",
            new { run_id = s.RunId, models = new[] { new { model_id = id, step = 0 }, new { model_id = NoSuchModel, step = 0 } } });
        var unknownRun = await s.Client.ApiPostAsync("runs/outputs",
            new { run_id = "0123456789abcdef0123456789abcdef", models = new[] { new { model_id = id, step = 0 } } });
        var noModelId = await s.Client.ApiPostAsync("runs/outputs", new { run_id = s.RunId, models = new[] { new { step = 0 } } });

        JsonShape.Error(unknownModel, HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", NotFound(NoSuchModel));
        JsonShape.Error(unknownRun, HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "Run with id=0123456789abcdef0123456789abcdef not found");
        JsonShape.Error(noModelId, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", null, "models[0].model_id");
        Assert.Equal("{}", Ok(await s.Client.ApiGetAsync($"runs/get?run_id={s.RunId}")).Json["run"]!["outputs"]!.ToJsonString());
    }

    [Fact]
    public async Task A_metric_logged_with_a_model_id_appears_in_the_models_data_metrics_with_model_id_and_run_id()
    {
        var s = await RunAsync();
        var id = await ModelAsync(s);

        // What MLflow 3's log_model does: the run's metric first, then the same value again with the model's id.
        Ok(await s.Client.ApiPostAsync("runs/log-metric", new { run_id = s.RunId, key = "accuracy", value = 1.0, timestamp = 1700000001000, step = 0 }));
        var batch = await s.Client.ApiPostAsync("runs/log-batch",
            new { run_id = s.RunId, metrics = new[] { new { key = "accuracy", value = 1.0, timestamp = 1700000001000, step = 0, model_id = id } } });
        var viaLogMetric = await s.Client.ApiPostAsync("runs/log-metric",
            new { run_id = s.RunId, key = "loss", value = 0.25, timestamp = 1700000002000, step = 1, model_id = id });
        var model = await s.Client.ApiGetAsync($"logged-models/{id}");
        var history = await s.Client.ApiGetAsync($"metrics/get-history?run_id={s.RunId}&metric_key=accuracy");

        JsonShape.Equal("{}", batch);
        JsonShape.Equal("{}", viaLogMetric);
        JsonShape.Equal($$$"""
            {"model": {"info": {"model_id": "{{{id}}}", "experiment_id": "{{{s.ExperimentId}}}", "name": "model",
               "creation_timestamp_ms": "<ts>", "last_updated_timestamp_ms": "<ts>",
               "artifact_uri": "mlflow-artifacts:/{{{s.ExperimentId}}}/models/{{{id}}}/artifacts", "status": "LOGGED_MODEL_PENDING",
               "model_type": "", "source_run_id": "{{{s.RunId}}}"},
              "data": {"metrics": [
                {"key": "accuracy", "value": 1, "timestamp": 1700000001000, "step": 0, "model_id": "{{{id}}}", "run_id": "{{{s.RunId}}}"},
                {"key": "loss", "value": 0.25, "timestamp": 1700000002000, "step": 1, "model_id": "{{{id}}}", "run_id": "{{{s.RunId}}}"}]} } }
            """, model);
        // The run keeps one row of a value logged twice (once for the run, once again for its model).
        JsonShape.Equal("""{"metrics": [{"key": "accuracy", "value": 1, "timestamp": 1700000001000, "step": 0}]}""", history);
    }

    [Fact]
    public async Task Log_batch_with_an_unknown_model_id_is_refused_and_writes_nothing()
    {
        var s = await RunAsync();
        var before = Ok(await s.Client.ApiGetAsync($"runs/get?run_id={s.RunId}")).Json["run"]!["data"]!.ToJsonString();

        var refused = await s.Client.ApiPostAsync("runs/log-batch", new
        {
            run_id = s.RunId,
            metrics = new object[]
            {
                new { key = "auc", value = 0.9, timestamp = 1700000001000, step = 0 },
                new { key = "acc", value = 0.8, timestamp = 1700000001000, step = 0, model_id = NoSuchModel },
            },
            @params = new[] { new { key = "lr", value = "0.1" } },
            tags = new[] { new { key = "team", value = "risk" } },
        });
        var logMetric = await s.Client.ApiPostAsync("runs/log-metric",
            new { run_id = s.RunId, key = "loss", value = 0.3, timestamp = 1700000001000, step = 0, model_id = NoSuchModel });
        var run = await s.Client.ApiGetAsync($"runs/get?run_id={s.RunId}");

        JsonShape.Error(refused, HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", NotFound(NoSuchModel));
        JsonShape.Error(logMetric, HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", NotFound(NoSuchModel));
        Assert.Equal(before, Ok(run).Json["run"]!["data"]!.ToJsonString()); // neither the run's metric, nor the param, nor the tag
        Assert.Equal("[]", run.Json["run"]!["data"]!["metrics"]!.ToJsonString());
        Assert.Equal("[]", Ok(await s.Client.ApiGetAsync($"metrics/get-history?run_id={s.RunId}&metric_key=auc")).Json["metrics"]!.ToJsonString());
    }

    // Registering a version from a logged model

    private async Task<(Setup S, string ModelId, string Name, Dictionary<string, byte[]> Files)> ReadyModelWithFilesAsync()
    {
        var s = await RunAsync(Roles.Editor);
        var id = await ModelAsync(s);
        var files = new Dictionary<string, byte[]>
        {
            ["MLmodel"] = "artifact_path: model\nflavors: {}\n"u8.ToArray(),
            ["model.pkl"] = Enumerable.Range(0, 20_000).Select(i => (byte)(i * 31)).ToArray(),
            ["metadata/requirements.txt"] = "scikit-learn==1.5\n"u8.ToArray(),
        };
        foreach (var (file, bytes) in files) await PutAsync(s.Client, $"{s.ExperimentId}/models/{id}/artifacts/{file}", bytes);
        Ok(await s.Client.ApiPatchAsync($"logged-models/{id}", new { model_id = id, status = Ready }));
        var name = ApiApp.Unique("m3");
        Ok(await s.Client.ApiPostAsync("registered-models/create", new { name }));
        return (s, id, name, files);
    }

    [Fact]
    public async Task Model_versions_create_from_a_models_uri_answers_READY_with_model_id_and_the_source_run()
    {
        var (s, id, name, _) = await ReadyModelWithFilesAsync();

        var created = await s.Client.ApiPostAsync("model-versions/create", new { name, source = $"models:/{id}", model_id = id });
        var loggedModel = await s.Client.ApiGetAsync($"logged-models/{id}");

        JsonShape.Equal($$$"""
            {"model_version": {"name": "{{{name}}}", "version": "1", "creation_timestamp": "<ts>", "last_updated_timestamp": "<ts>",
              "user_id": "{{{s.User.DisplayName}}}", "current_stage": "None", "description": "", "source": "models:/{{{id}}}",
              "run_id": "{{{s.RunId}}}", "status": "READY", "status_message": "", "tags": [], "run_link": "", "aliases": [],
              "model_id": "{{{id}}}"}}
            """, created);
        // As MLflow's server: the logged model lists the versions registered from it.
        var tag = Assert.Single(Ok(loggedModel).Json["model"]!["info"]!["tags"]!.AsArray());
        Assert.Equal("mlflow.modelVersions", (string?)tag!["key"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""[{"name": "{{name}}", "version": 1}]"""), JsonNode.Parse((string)tag["value"]!)), tag.ToJsonString());
    }

    [Fact]
    public async Task Model_versions_create_finds_the_logged_model_from_the_source_alone_or_from_model_id_alone()
    {
        var (s, id, name, _) = await ReadyModelWithFilesAsync();

        var fromSource = await s.Client.ApiPostAsync("model-versions/create", new { name, source = $"models:/{id}" });
        var fromModelId = await s.Client.ApiPostAsync("model-versions/create",
            new { name, source = $"mlflow-artifacts:/{s.ExperimentId}/models/{id}/artifacts", model_id = id });

        foreach (var (answer, version) in new[] { (fromSource, "1"), (fromModelId, "2") })
        {
            var v = Ok(answer).Json["model_version"]!;
            Assert.Equal((version, "READY", id, s.RunId), ((string?)v["version"], (string?)v["status"], (string?)v["model_id"], (string?)v["run_id"]));
        }
    }

    [Fact]
    public async Task Model_versions_create_refuses_a_PENDING_model_an_unknown_one_and_a_model_id_that_contradicts_the_source()
    {
        var s = await RunAsync();
        var pending = await ModelAsync(s, "pending");
        var other = await ModelAsync(s, "other");
        var name = ApiApp.Unique("m3");
        Ok(await s.Client.ApiPostAsync("registered-models/create", new { name }));

        var stillPending = await s.Client.ApiPostAsync("model-versions/create", new { name, source = $"models:/{pending}", model_id = pending });
        var unknown = await s.Client.ApiPostAsync("model-versions/create", new { name, source = $"models:/{NoSuchModel}" });
        var contradiction = await s.Client.ApiPostAsync("model-versions/create", new { name, source = $"models:/{pending}", model_id = other });
        var versions = await s.Client.ApiGetAsync($"model-versions/search?filter={Q($"name='{name}'")}");

        JsonShape.Error(stillPending, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            $"Logged model {pending} is still LOGGED_MODEL_PENDING: its files are uploading. Finalize it as LOGGED_MODEL_READY first, then register it.");
        JsonShape.Error(unknown, HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", NotFound(NoSuchModel));
        JsonShape.Error(contradiction, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            $"The source names logged model {pending} but model_id is {other}: give the same model in both, or leave model_id out.");
        Assert.Equal("[]", Ok(versions).Json["model_versions"]!.ToJsonString());
    }

    [Fact]
    public async Task Get_download_uri_of_a_version_from_a_logged_model_lists_and_serves_its_files_byte_for_byte()
    {
        var (s, id, name, files) = await ReadyModelWithFilesAsync();
        Ok(await s.Client.ApiPostAsync("model-versions/create", new { name, source = $"models:/{id}", model_id = id }));

        var uri = (string)Ok(await s.Client.ApiGetAsync($"model-versions/get-download-uri?name={Q(name)}&version=1")).Json["artifact_uri"]!;
        Assert.StartsWith("mlflow-artifacts:/registry/", uri); // the registry's own copy, which outlives the logged model
        var folder = uri["mlflow-artifacts:/".Length..];
        var listing = await s.Client.ApiGetAsync($"/api/2.0/mlflow-artifacts/artifacts?path={Q(folder)}");
        var metadata = await s.Client.ApiGetAsync($"/api/2.0/mlflow-artifacts/artifacts?path={Q(folder + "/metadata")}");
        var downloads = new Dictionary<string, byte[]>();
        foreach (var file in files.Keys) downloads[file] = await s.Client.GetByteArrayAsync($"/api/2.0/mlflow-artifacts/artifacts/{folder}/{file}");

        JsonShape.Equal($$"""
            {"files": [{"path": "MLmodel", "is_dir": false, "file_size": {{files["MLmodel"].Length}}}, {"path": "metadata", "is_dir": true},
                       {"path": "model.pkl", "is_dir": false, "file_size": 20000}]}
            """, listing);
        // As MLflow's artifact proxy: a listing names its entries by their name within the folder listed.
        JsonShape.Equal($$"""{"files": [{"path": "requirements.txt", "is_dir": false, "file_size": {{files["metadata/requirements.txt"].Length}}}]}""", metadata);
        Assert.All(files, f => Assert.Equal(f.Value, downloads[f.Key]));
    }

    // MLflow 3's client: search_registered_models adds a filter that keeps prompts out

    [Fact]
    public async Task Registered_models_search_with_the_not_a_prompt_filter_finds_models_without_the_tag_and_leaves_prompts_out()
    {
        var owner = await app.UserAsync(Roles.Editor);
        var stem = ApiApp.Unique("prompt");
        foreach (var (name, tag) in new[] { ($"{stem}-model", (string?)null), ($"{stem}-other", "false"), ($"{stem}-prompt", "true") })
        {
            Ok(await owner.Client.ApiPostAsync("registered-models/create", new { name }));
            if (tag is not null) Ok(await owner.Client.ApiPostAsync("registered-models/set-tag", new { name, key = "mlflow.prompt.is_prompt", value = tag }));
        }

        var exact = await owner.Client.ApiGetAsync(
            $"registered-models/search?filter={Q($"name='{stem}-model' AND tag.`mlflow.prompt.is_prompt` != 'true'")}&max_results=100");
        var like = await owner.Client.ApiGetAsync(
            $"registered-models/search?filter={Q($"name LIKE '{stem}-%' AND tags.`mlflow.prompt.is_prompt` != 'true'")}&max_results=100");
        var prompt = await owner.Client.ApiGetAsync(
            $"registered-models/search?filter={Q($"name='{stem}-prompt' AND tag.`mlflow.prompt.is_prompt` != 'true'")}");

        Assert.Equal([$"{stem}-model"], Ok(exact).Json["registered_models"]!.AsArray().Select(m => (string)m!["name"]!));
        Assert.Equal([$"{stem}-model", $"{stem}-other"], Ok(like).Json["registered_models"]!.AsArray().Select(m => (string)m!["name"]!).Order());
        Assert.Null(Ok(prompt).Json["registered_models"]?.AsArray().FirstOrDefault());
    }
}
