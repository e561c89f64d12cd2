using System.Text.Json.Nodes;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Tests.Api;
using static RegistryPortal.Tests.Cli.CliHarness;

namespace RegistryPortal.Tests.Cli;

/// <summary>`registry requests list|approve|reject|cancel` against the real app.</summary>
public class RequestCommandTests(ApiApp app) : IClassFixture<ApiApp>
{
    private TransitionRequestService Requests => app.Service<TransitionRequestService>();

    private async Task<(string Model, CliUser Owner, CliUser Requester)> RequestedAsync(string stage = "Production", int versions = 1)
    {
        var owner = await app.CliUserAsync(Roles.Editor);
        var model = await app.ModelAsync(owner, [.. Enumerable.Repeat(Stage.None, versions)]);
        var requester = await app.CliUserAsync(Roles.Reader);
        await Requests.CreateAsync(requester.Actor, model, 1, stage, false, "ready");
        return (model, owner, requester);
    }

    [Fact]
    public async Task List_prints_the_pending_requests_of_every_version_newest_version_first()
    {
        var (model, owner, requester) = await RequestedAsync("Staging", versions: 2);
        await Requests.CreateAsync(owner.Actor, model, 2, "Production", false, "ship it\nwith details");
        var open = (await Requests.ListAsync(owner.Actor, model)).ToDictionary(r => r.Version);

        var result = await app.RunAsync(requester, "requests", "list", "--model-name", model);

        var id = open.Values.Max(r => $"{r.Id}".Length) is var w && w > 2 ? w : 2;
        var by = new[] { "Requested by", owner.Api.DisplayName, requester.Api.DisplayName }.Max(t => t.Length);
        string Row(RequestView r, string from) => string.Join("  ", $"{r.Id}".PadRight(id), $"{r.Version}      ", from.PadRight(4), r.ToStage.ToString().PadRight(10),
            r.RequestedBy.PadRight(by), Shown(r.CreatedAt), r.Comment.Split('\n')[0]);
        result.Succeeded(
            string.Join("  ", "Id".PadRight(id), "Version", "From", "To".PadRight(10), "Requested by".PadRight(by), "Requested".PadRight(16), "Comment"),
            Row(open[2], "None"),
            Row(open[1], "None"));
    }

    [Fact]
    public async Task List_of_one_version_as_json_names_the_version_of_each_request()
    {
        var (model, owner, requester) = await RequestedAsync("Staging", versions: 2);
        await Requests.CreateAsync(owner.Actor, model, 2, "Production");

        var result = await app.RunAsync(owner, "requests", "list", "--model-name", model, "--version", "1", "--output", "json");

        Assert.True(result.ExitCode == 0 && result.Stderr == "", result.ToString());
        var request = Assert.Single(JsonNode.Parse(result.Stdout)!.AsArray());
        Assert.Equal(("1", "Staging", requester.Api.DisplayName, "ready"),
            ((string?)request!["version"], (string?)request["to_stage"], (string?)request["user_id"], (string?)request["comment"]));
    }

    [Fact]
    public async Task Approve_moves_the_version_and_closes_the_request()
    {
        var (model, owner, _) = await RequestedAsync();

        var result = await app.RunAsync(owner, "requests", "approve", "--model-name", model, "--version", "1", "--stage", "production", "--comment", "go");

        result.Succeeded($"Approved the request to move model version '1' of model '{model}' to stage 'Production'.");
        Assert.Equal(Stage.Production, await app.StageOfAsync(owner, model, 1));
        Assert.Empty(await Requests.ListAsync(owner.Actor, model));
    }

    [Fact]
    public async Task Approve_with_archive_existing_archives_the_stages_other_versions()
    {
        var owner = await app.CliUserAsync(Roles.Editor);
        var model = await app.ModelAsync(owner, Stage.None, Stage.Production);
        await Requests.CreateAsync(owner.Actor, model, 1, "Production");

        var result = await app.RunAsync(owner, "requests", "approve", "--model-name", model, "--version", "1", "--stage", "Production", "--archive-existing");

        result.Succeeded($"Approved the request to move model version '1' of model '{model}' to stage 'Production'.");
        Assert.Equal((Stage.Production, Stage.Archived), (await app.StageOfAsync(owner, model, 1), await app.StageOfAsync(owner, model, 2)));
    }

    [Fact]
    public async Task Reject_closes_the_request_and_leaves_the_version()
    {
        var (model, owner, _) = await RequestedAsync();

        var result = await app.RunAsync(owner, "requests", "reject", "--model-name", model, "--version", "1", "--stage", "Production", "--comment", "not yet");

        result.Succeeded($"Rejected the request to move model version '1' of model '{model}' to stage 'Production'.");
        Assert.Equal(Stage.None, await app.StageOfAsync(owner, model, 1));
        Assert.Empty(await Requests.ListAsync(owner.Actor, model));
    }

    [Fact]
    public async Task The_requester_cancels_their_request()
    {
        var (model, owner, requester) = await RequestedAsync("Staging");

        var result = await app.RunAsync(requester, "requests", "cancel", "--model-name", model, "--version", "1", "--stage", "staging");

        result.Succeeded($"Cancelled the request to move model version '1' of model '{model}' to stage 'Staging'.");
        Assert.Empty(await Requests.ListAsync(owner.Actor, model));
    }

    [Fact]
    public async Task Approve_by_a_Reader_is_refused_and_the_request_stays_open()
    {
        var (model, owner, requester) = await RequestedAsync();

        var result = await app.RunAsync(requester, "requests", "approve", "--model-name", model, "--version", "1", "--stage", "Production");

        result.Failed(1, $"Permission denied: You need Manage Production Versions on '{model}' to move versions to or from Production; " +
            "you have Read. Ask a Manage holder or an admin.");
        Assert.Single(await Requests.ListAsync(owner.Actor, model));
    }

    [Theory]
    [InlineData("approve")]
    [InlineData("reject")]
    [InlineData("cancel")]
    public async Task Without_a_pending_request_for_that_stage_the_line_names_requests_list(string verb)
    {
        var (model, owner, _) = await RequestedAsync("Production");

        var result = await app.RunAsync(owner, "requests", verb, "--model-name", model, "--version", "1", "--stage", "Staging");

        result.Failed(1, $"Version 1 of '{model}' has no pending request to move to Staging; run 'registry requests list --model-name {model} --version 1'");
    }

    [Fact]
    public async Task List_for_a_model_that_does_not_exist_says_so()
    {
        var user = await app.CliUserAsync(Roles.Reader);

        var result = await app.RunAsync(user, "requests", "list", "--model-name", "nobody-model");

        result.Failed(1, "Model 'nobody-model' does not exist; run 'registry models list' to see the models, or 'registry models create --name nobody-model'");
    }
}
