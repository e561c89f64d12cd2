using System.Net;
using RegistryPortal.Domain;

namespace RegistryPortal.Tests.Api;

/// <summary>
/// Request fields are read by their type in MLflow's protocol, as MLflow's server parses them into its protobuf
/// messages: a value of another JSON type is INVALID_PARAMETER_VALUE naming the field and the type, and writes nothing.
/// </summary>
[Collection(ApiCollection.Name)]
public class WireTypeTests(ApiApp app)
{
    [Fact]
    public async Task A_number_or_a_bool_where_the_protocol_has_a_string_is_refused_and_creates_nothing()
    {
        var owner = await app.UserAsync(Roles.Editor);

        var numericName = await owner.Client.ApiPostAsync("registered-models/create", new { name = 12345 });
        var numericDescription = await owner.Client.ApiPostAsync("registered-models/create", new { name = ApiApp.Unique("wire"), description = 5 });
        var boolTagValue = await owner.Client.ApiPostAsync("registered-models/create", new { name = ApiApp.Unique("wire"), tags = new[] { new { key = "k", value = (object)true } } });

        JsonShape.Error(numericName, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            "Invalid value for parameter 'name': expected a string (in quotes), got a JSON number.");
        JsonShape.Error(numericDescription, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            "Invalid value for parameter 'description': expected a string (in quotes), got a JSON number.");
        JsonShape.Error(boolTagValue, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            "Invalid value for parameter 'tags.value': expected a string (in quotes), got a JSON boolean.");
        JsonShape.Error(await owner.Client.ApiGetAsync("registered-models/get?name=12345"), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
    }

    [Fact]
    public async Task A_string_where_the_protocol_has_a_bool_is_refused_and_moves_nothing()
    {
        var owner = await app.UserAsync(Roles.Manager);
        var name = ApiApp.Unique("wire");
        await owner.Client.ApiPostAsync("registered-models/create", new { name });
        await owner.Client.ApiPostAsync("model-versions/create", new { name, source = "s3://b/1" });

        var moved = await owner.Client.ApiPostAsync("model-versions/transition-stage",
            new { name, version = "1", stage = "Staging", archive_existing_versions = "true" });

        JsonShape.Error(moved, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            "Invalid value for parameter 'archive_existing_versions': expected true or false (a JSON boolean, without quotes), got a JSON string.");
        Assert.Equal("None", (string?)(await owner.Client.ApiGetAsync($"model-versions/get?name={ApiCalls.Q(name)}&version=1")).Json["model_version"]!["current_stage"]);
    }

    [Fact]
    public async Task Numbers_come_as_JSON_numbers_or_numeric_strings_and_an_enum_by_name_or_number_as_protobuf_JSON_allows()
    {
        var editor = await app.UserAsync(Roles.Editor);
        var experiment = (string)(await editor.Client.ApiPostAsync("experiments/create", new { name = ApiApp.Unique("wire-exp") })).Json["experiment_id"]!;
        var run = (string)(await editor.Client.ApiPostAsync("runs/create", new { experiment_id = experiment, start_time = "1700000000000" })).Json["run"]!["info"]!["run_id"]!;

        var asNumbers = await editor.Client.ApiPostAsync("runs/log-metric", new { run_id = run, key = "auc", value = 0.9, timestamp = 1700000001000, step = 1 });
        var asStrings = await editor.Client.ApiPostAsync("runs/log-metric", new { run_id = run, key = "auc", value = "0.95", timestamp = "1700000002000", step = "2" });
        var asBool = await editor.Client.ApiPostAsync("runs/log-metric", new { run_id = run, key = "auc", value = true, timestamp = 1, step = 3 });
        var model = (string)(await editor.Client.ApiPostAsync("logged-models", new { experiment_id = experiment })).Json["model"]!["info"]!["model_id"]!;
        var byNumber = await editor.Client.ApiPatchAsync($"logged-models/{model}", new { model_id = model, status = 2 });

        JsonShape.Equal("{}", asNumbers);
        JsonShape.Equal("{}", asStrings);
        JsonShape.Error(asBool, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            "Invalid value for parameter 'value': expected a number, got a JSON boolean.");
        Assert.Equal("LOGGED_MODEL_READY", (string?)byNumber.Json["model"]!["info"]!["status"]);
        var history = (await editor.Client.ApiGetAsync($"metrics/get-history?run_id={run}&metric_key=auc")).Json["metrics"]!.AsArray();
        Assert.Equal([0.9, 0.95], history.Select(m => (double)m!["value"]!));
    }
}
