using System.Net;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Tests.Cli;

namespace RegistryPortal.Tests.Api;

/// <summary>
/// MLflow has no four-eyes: its transition-stage, from any client (the MLflow client, the `registry` CLI), is refused
/// with a 403 that says why and what to do instead, while the request and its approval by someone else go through.
/// </summary>
public class FourEyesApiTests(ApiApp app) : IClassFixture<ApiApp>
{
    private async Task<(string Model, CliUser Owner)> ProtectedModelAsync(params Stage[] stages)
    {
        var owner = await app.CliUserAsync(Roles.Editor);
        var model = await app.ModelAsync(owner, stages);
        await app.Service<ModelService>().SetFourEyesAsync(owner.Actor, model, true);
        return (model, owner);
    }

    [Fact]
    public async Task Transition_stage_into_production_is_a_403_that_says_to_request_it_and_a_request_approved_by_another_moves_it()
    {
        var (model, _) = await ProtectedModelAsync(Stage.Staging);
        var manager = await app.UserAsync(Roles.Manager);

        var refused = await manager.Client.ApiPostAsync("model-versions/transition-stage",
            new { name = model, version = "1", stage = "Production", archive_existing_versions = false });

        JsonShape.Error(refused, HttpStatusCode.Forbidden, "PERMISSION_DENIED",
            $"Four-eyes protection is on for '{model}': nobody moves a version into or out of Production directly. " +
            "Request the transition of version 1 to Production, and have someone else approve it.");
        Assert.Equal(Stage.Staging, (await app.Service<VersionService>().GetAsync(manager.Actor, model, 1)).Stage);

        var requested = await manager.Client.ApiPostAsync("transition-requests/create", new { name = model, version = "1", stage = "Production" });
        Assert.Equal(HttpStatusCode.OK, requested.Status);
        var self = await manager.Client.ApiPostAsync("transition-requests/approve", new { name = model, version = "1", stage = "Production", archive_existing_versions = false });
        JsonShape.Error(self, HttpStatusCode.Forbidden, "PERMISSION_DENIED", null, "You cannot approve your own request", "someone other than the requester");
        var reviewer = await app.UserAsync(Roles.ProductionManager);
        var approved = await reviewer.Client.ApiPostAsync("transition-requests/approve", new { name = model, version = "1", stage = "Production", archive_existing_versions = false });
        Assert.Equal(HttpStatusCode.OK, approved.Status);
        Assert.Equal(Stage.Production, (await app.Service<VersionService>().GetAsync(manager.Actor, model, 1)).Stage);
    }

    [Fact]
    public async Task The_cli_prints_the_four_eyes_refusal_and_the_request_command()
    {
        var (model, owner) = await ProtectedModelAsync(Stage.Production);

        var result = await app.RunAsync(owner, "models", "transition-stage", "--model-name", model, "--version", "1", "--stage", "Archived");

        result.Failed(1, $"Permission denied: Four-eyes protection is on for '{model}': nobody moves a version into or out of Production directly. " +
            "Request the transition of version 1 to Archived, and have someone else approve it. " +
            $"Or ask for the move: 'registry models request-transition --model-name {model} --version 1 --stage Archived'");
        Assert.Equal(Stage.Production, await app.StageOfAsync(owner, model, 1));
    }
}
