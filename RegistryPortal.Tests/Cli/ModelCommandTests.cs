using System.Text.Json.Nodes;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Tests.Api;
using static RegistryPortal.Tests.Cli.CliHarness;

namespace RegistryPortal.Tests.Cli;

/// <summary>`registry models list-versions`, `list` and `create` against the real app.</summary>
public class ModelCommandTests(ApiApp app) : IClassFixture<ApiApp>
{
    [Fact]
    public async Task List_versions_prints_versions_and_stages_newest_first()
    {
        var owner = await app.CliUserAsync(Roles.Editor);
        var model = await app.ModelAsync(owner, Stage.Staging, Stage.Archived, Stage.Production);
        await app.Service<VersionService>().UpdateDescriptionAsync(owner.Actor, model, 3, "champion\nsecond line is not shown");
        var registered = await Task.WhenAll(new[] { 3, 2, 1 }.Select(async n => Shown((await app.Service<VersionService>().GetAsync(owner.Actor, model, n)).CreatedAt)));

        var result = await app.RunAsync(owner, "models", "list-versions", "--model-name", model);

        result.Succeeded(
            "Version  Stage       Registered        Description",
            $"3        Production  {registered[0]}  champion",
            $"2        Archived    {registered[1]}",
            $"1        Staging     {registered[2]}  first");
    }

    [Fact]
    public async Task List_versions_as_json_is_the_portals_version_objects()
    {
        var owner = await app.CliUserAsync(Roles.Editor);
        var model = await app.ModelAsync(owner, Stage.Staging, Stage.Production);

        var result = await app.RunAsync(owner, "models", "list-versions", "--model-name", model, "--output", "json");

        Assert.True(result.ExitCode == 0 && result.Stderr == "", result.ToString());
        var versions = Assert.IsType<JsonArray>(JsonNode.Parse(result.Stdout));
        Assert.Equal(["2:Production:READY", "1:Staging:READY"],
            versions.Select(v => $"{v!["version"]}:{v["current_stage"]}:{v["status"]}"));
        Assert.Equal($"s3://bucket/{model}/1", (string?)versions[1]!["source"]);
    }

    [Fact]
    public async Task List_versions_pages_through_every_version()
    {
        var owner = await app.CliUserAsync(Roles.Editor);
        var model = await app.ModelAsync(owner, [.. Enumerable.Repeat(Stage.None, 23)]);

        // Pages of 5: the portal answers five pages and a next_page_token on each but the last.
        var result = await app.RunPagedAsync(owner, 5, "models", "list-versions", "--model-name", model, "-o", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var numbers = JsonNode.Parse(result.Stdout)!.AsArray().Select(v => int.Parse((string)v!["version"]!)).ToList();
        Assert.Equal(Enumerable.Range(1, 23).Reverse(), numbers);
    }

    [Fact]
    public async Task List_versions_of_a_model_that_does_not_exist_says_so()
    {
        var user = await app.CliUserAsync(Roles.Reader);

        var result = await app.RunAsync(user, "models", "list-versions", "--model-name", "ghost-model");

        result.Failed(1, "Model 'ghost-model' does not exist; run 'registry models list' to see the models, or 'registry models create --name ghost-model'");
    }

    [Fact]
    public async Task List_prints_the_models_the_filter_matches_with_their_latest_versions()
    {
        var owner = await app.CliUserAsync(Roles.Editor);
        var prefix = ApiApp.Unique("lst");
        await owner.Api.Client.ApiPostAsync("registered-models/create", new { name = prefix + "-a", description = "fraud model" });
        await owner.Api.Client.ApiPostAsync("registered-models/create", new { name = prefix + "-b" });
        var versions = app.Service<VersionService>();
        await versions.RegisterAsync(owner.Actor, new NewVersion(prefix + "-a", "s3://b/1"));
        await versions.RegisterAsync(owner.Actor, new NewVersion(prefix + "-a", "s3://b/2"));
        await app.Service<StageService>().TransitionAsync(owner.Actor, prefix + "-a", 1, "Production");
        var updated = await Task.WhenAll(new[] { "-a", "-b" }.Select(async s => Shown((await app.Service<ModelService>().GetRegisteredModelAsync(owner.Actor, prefix + s)).UpdatedAt)));

        var result = await app.RunPagedAsync(owner, 1, "models", "list", "--filter", $"name LIKE '{prefix}%'");

        var pad = new string(' ', prefix.Length + 2 - "Name".Length);
        result.Succeeded(
            $"Name{pad}  Latest  Staging  Production  Updated           Description",
            $"{prefix}-a  2       -        1           {updated[0]}  fraud model",
            $"{prefix}-b  -       -        -           {updated[1]}");
    }

    [Fact]
    public async Task List_as_json_parses_to_the_matching_models()
    {
        var owner = await app.CliUserAsync(Roles.Editor);
        var name = ApiApp.Unique("lsj");
        await owner.Api.Client.ApiPostAsync("registered-models/create", new { name, description = "d" });

        var result = await app.RunAsync(owner, "models", "list", "--filter", $"name = '{name}'", "--output", "json");

        Assert.True(result.ExitCode == 0 && result.Stderr == "", result.ToString());
        var model = Assert.Single(JsonNode.Parse(result.Stdout)!.AsArray());
        Assert.Equal((name, "d"), ((string?)model!["name"], (string?)model["description"]));
    }

    [Fact]
    public async Task A_filter_the_portal_cannot_parse_prints_its_reason()
    {
        var user = await app.CliUserAsync(Roles.Reader);

        var result = await app.RunAsync(user, "models", "list", "--filter", "colour = 'red'");

        Assert.Equal((1, ""), (result.ExitCode, result.Stdout));
        Assert.Contains("colour", result.Stderr);
        Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task Create_makes_the_model_with_its_description()
    {
        var editor = await app.CliUserAsync(Roles.Editor);
        var name = ApiApp.Unique("new");

        var result = await app.RunAsync(editor, "models", "create", "--name", name, "--description", "Scores card payments");

        result.Succeeded($"Registered model '{name}' created.");
        Assert.Equal("Scores card payments", (await app.Service<ModelService>().GetRegisteredModelAsync(editor.Actor, name)).Description);
    }

    [Fact]
    public async Task Create_of_a_name_that_is_taken_says_so()
    {
        var editor = await app.CliUserAsync(Roles.Editor);
        var name = await app.ModelAsync(editor);

        var result = await app.RunAsync(editor, "models", "create", "--name", name);

        result.Failed(1, $"Registered Model (name={name}) already exists.");
    }

    [Fact]
    public async Task Create_by_a_Reader_is_refused_with_the_portals_reason()
    {
        var reader = await app.CliUserAsync(Roles.Reader);

        var result = await app.RunAsync(reader, "models", "create", "--name", ApiApp.Unique("ro"));

        result.Failed(1, "Permission denied: You need the Editor role (or higher) to create a model. Ask an admin.");
    }
}
