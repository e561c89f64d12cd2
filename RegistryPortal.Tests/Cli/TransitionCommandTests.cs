using System.Collections;
using System.Net;
using System.Net.Sockets;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Search;
using RegistryPortal.Tests.Api;

namespace RegistryPortal.Tests.Cli;

/// <summary>
/// `registry models transition-stage` and `request-transition` against the real app, and the error lines
/// every command shares (missing version or model, permission, token, unreachable portal, usage).
/// </summary>
public class TransitionCommandTests(ApiApp app) : IClassFixture<ApiApp>
{
    [Fact]
    public async Task Transition_stage_moves_the_version_and_prints_seed_003s_line()
    {
        var owner = await app.CliUserAsync(Roles.Editor);
        var model = await app.ModelAsync(owner, Stage.None, Stage.None, Stage.None);

        var result = await app.RunAsync(owner, "models", "transition-stage", "--model-name", model, "--version", "3", "--stage", "production");

        result.Succeeded($"Model version '3' of model '{model}' transitioned to stage 'Production'.");
        Assert.Equal(Stage.Production, await app.StageOfAsync(owner, model, 3));
    }

    [Fact]
    public async Task Archive_existing_moves_the_previous_production_version_to_Archived()
    {
        var owner = await app.CliUserAsync(Roles.Editor);
        var model = await app.ModelAsync(owner, Stage.Production, Stage.None);

        var result = await app.RunAsync(owner, "models", "transition-stage", "--model-name", model, "--version", "2", "--stage", "Production",
            "--archive-existing", "--comment", "new champion");

        result.Succeeded($"Model version '2' of model '{model}' transitioned to stage 'Production'.");
        Assert.Equal((Stage.Archived, Stage.Production), (await app.StageOfAsync(owner, model, 1), await app.StageOfAsync(owner, model, 2)));
    }

    [Fact]
    public async Task A_version_that_does_not_exist_names_the_command_that_lists_them()
    {
        var owner = await app.CliUserAsync(Roles.Editor);
        var model = await app.ModelAsync(owner, Stage.None);

        var result = await app.RunAsync(owner, "models", "transition-stage", "--model-name", model, "--version", "9", "--stage", "Staging");

        result.Failed(1, $"Version 9 of '{model}' does not exist; run 'registry models list-versions --model-name {model}'");
    }

    [Fact]
    public async Task A_model_that_does_not_exist_names_the_commands_that_list_and_create_models()
    {
        var user = await app.CliUserAsync(Roles.Editor);

        var result = await app.RunAsync(user, "models", "transition-stage", "--model-name", "no-such-model", "--version", "1", "--stage", "Staging");

        result.Failed(1, "Model 'no-such-model' does not exist; run 'registry models list' to see the models, or 'registry models create --name no-such-model'");
    }

    [Fact]
    public async Task A_stage_the_user_may_not_move_to_is_refused_and_suggests_requesting_the_move()
    {
        var owner = await app.CliUserAsync(Roles.Editor);
        var model = await app.ModelAsync(owner, Stage.None);
        var reader = await app.CliUserAsync(Roles.Reader);

        var result = await app.RunAsync(reader, "models", "transition-stage", "--model-name", model, "--version", "1", "--stage", "Production");

        result.Failed(1, $"Permission denied: You need Manage Production Versions on '{model}' to move versions to or from Production; you have Read. " +
            $"Ask a Manage holder or an admin. Or ask for the move: 'registry models request-transition --model-name {model} --version 1 --stage Production'");
        Assert.Equal(Stage.None, await app.StageOfAsync(owner, model, 1));
    }

    [Fact]
    public async Task A_move_to_the_stage_the_version_has_prints_the_portals_reason()
    {
        var owner = await app.CliUserAsync(Roles.Editor);
        var model = await app.ModelAsync(owner, Stage.Staging);

        var result = await app.RunAsync(owner, "models", "transition-stage", "--model-name", model, "--version", "1", "--stage", "STAGING");

        result.Failed(1, $"Version 1 of '{model}' is already in Staging.");
    }

    [Fact]
    public async Task An_unknown_stage_is_a_usage_error_listing_the_stages()
    {
        var owner = await app.CliUserAsync(Roles.Editor);

        var result = await app.RunAsync(owner, "models", "transition-stage", "--model-name", "m", "--version", "1", "--stage", "prod");

        result.Failed(2, "'prod' is not a stage; use one of None, Staging, Production, Archived (in any case). See 'registry models transition-stage --help'.");
    }

    [Fact]
    public async Task A_stage_with_spaces_around_it_is_a_usage_error_as_on_the_server()
    {
        var owner = await app.CliUserAsync(Roles.Editor);

        var result = await app.RunAsync(owner, "models", "transition-stage", "--model-name", "m", "--version", "1", "--stage", " Production");

        result.Failed(2, "' Production' is not a stage; use one of None, Staging, Production, Archived (in any case). See 'registry models transition-stage --help'.");
    }

    [Theory]
    [InlineData(new[] { "--version", "x", "--stage", "Staging" }, "'x' is not a version number; give a whole number such as 3.")]
    [InlineData(new[] { "--stage", "Staging" }, "Option '--version' is required.")]
    public async Task A_bad_or_missing_option_is_a_usage_error(string[] options, string message)
    {
        var owner = await app.CliUserAsync(Roles.Editor);

        var result = await app.RunAsync(owner, ["models", "transition-stage", "--model-name", "m", .. options]);

        result.Failed(2, $"{message} See 'registry models transition-stage --help'.");
    }

    [Fact]
    public async Task A_bad_token_is_refused_and_says_where_to_make_a_new_one()
    {
        var result = await CliHarness.RunAsync(_ => app.Factory.CreateClient(),
            new Hashtable { ["REGISTRY_URL"] = CliHarness.PortalUrl, ["REGISTRY_TOKEN"] = "rpat_not-a-real-token" },
            "models", "list");

        result.Failed(1, "The token was refused (Invalid, expired or revoked access token.); create a new one under your account's Access tokens and set REGISTRY_TOKEN");
    }

    [Fact]
    public async Task The_url_and_token_options_override_the_environment()
    {
        var owner = await app.CliUserAsync(Roles.Editor);
        var model = await app.ModelAsync(owner, Stage.None);

        var result = await CliHarness.RunAsync(_ => app.Factory.CreateClient(),
            new Hashtable { ["REGISTRY_URL"] = "http://127.0.0.1:1/", ["REGISTRY_TOKEN"] = "rpat_wrong" },
            "models", "transition-stage", "--model-name", model, "--version", "1", "--stage", "staging", "--url", CliHarness.PortalUrl, "--token", owner.Token);

        result.Succeeded($"Model version '1' of model '{model}' transitioned to stage 'Staging'.");
    }

    [Fact]
    public async Task A_portal_that_is_down_is_named_with_the_setting_to_check()
    {
        // A port that was just free: nothing listens there.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var result = await CliHarness.RunAsync(null, new Hashtable { ["REGISTRY_URL"] = $"http://127.0.0.1:{port}", ["REGISTRY_TOKEN"] = "rpat_x" },
            "models", "list-versions", "--model-name", "m");

        result.Failed(1, $"Cannot reach the portal at http://127.0.0.1:{port}/ (connection refused or failed); check --url / REGISTRY_URL and that the portal is running");
    }

    [Theory]
    [InlineData(null, "rpat_x", "No portal address: pass --url or set REGISTRY_URL (for example http://127.0.0.1:5000)")]
    [InlineData("http://127.0.0.1:5000", null, "No access token: pass --token or set REGISTRY_TOKEN (create one under your account's Access tokens)")]
    [InlineData("127.0.0.1:5000", "rpat_x", "'127.0.0.1:5000' is not a portal address; pass --url or set REGISTRY_URL to one such as http://127.0.0.1:5000")]
    public async Task A_missing_url_or_token_is_a_usage_error(string? url, string? token, string message)
    {
        var environment = new Hashtable();
        if (url is not null) environment["REGISTRY_URL"] = url;
        if (token is not null) environment["REGISTRY_TOKEN"] = token;

        var result = await CliHarness.RunAsync(_ => throw new InvalidOperationException("no call expected"), environment, "models", "list");

        result.Failed(2, message);
    }

    [Fact]
    public async Task Request_transition_creates_a_pending_request_and_prints_its_id()
    {
        var owner = await app.CliUserAsync(Roles.Editor);
        var model = await app.ModelAsync(owner, Stage.Staging);
        var reader = await app.CliUserAsync(Roles.Reader);

        var result = await app.RunAsync(reader, "models", "request-transition", "--model-name", model, "--version", "1", "--stage", "production",
            "--comment", "passed validation");

        var request = Assert.Single(await app.Service<TransitionRequestService>().ListAsync(owner.Actor, model, 1));
        result.Succeeded($"Transition request {request.Id} created: model version '1' of model '{model}' to stage 'Production', pending approval.");
        Assert.Equal((Stage.Production, "passed validation", reader.Api.DisplayName), (request.ToStage, request.Comment, request.RequestedBy));
    }

    [Fact]
    public async Task A_second_request_for_the_same_stage_points_to_the_open_one()
    {
        var owner = await app.CliUserAsync(Roles.Editor);
        var model = await app.ModelAsync(owner, Stage.None);
        string[] request = ["models", "request-transition", "--model-name", model, "--version", "1", "--stage", "Staging"];
        (await app.RunAsync(owner, request)).Succeeded(
            $"Transition request {(await app.Service<TransitionRequestService>().ListAsync(owner.Actor, model, 1)).Single().Id} created: model version '1' of model '{model}' to stage 'Staging', pending approval.");

        var again = await app.RunAsync(owner, request);

        again.Failed(1, $"Version 1 of '{model}' already has a pending request to move to Staging; run 'registry requests list --model-name {model} --version 1'");
    }
}
