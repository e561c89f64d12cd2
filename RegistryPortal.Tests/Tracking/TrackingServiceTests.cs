using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Domain;
using RegistryPortal.Tests.TestSupport;
using RegistryPortal.Tracking;

namespace RegistryPortal.Tests.Tracking;

public class TrackingServiceTests
{
    [Fact]
    public async Task Experiments_have_unique_names_and_say_when_one_is_missing()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var editor = await registry.UserAsync(Roles.Editor);
        var experiments = registry.Services.GetRequiredService<ExperimentService>();

        var created = await experiments.CreateAsync(editor, "fraud");

        Assert.Equal($"mlflow-artifacts:/{created.Id}", created.ArtifactLocation);
        Assert.Equal(created.Id, (await experiments.GetByNameAsync(editor, "fraud")).Id);
        await Expect.RefusalAsync(ErrorKind.AlreadyExists, () => experiments.CreateAsync(editor, "fraud"), "Experiment 'fraud' already exists");
        await Expect.RefusalAsync(ErrorKind.NotFound, () => experiments.GetByNameAsync(editor, "churn"), "Could not find experiment with name 'churn'");
        await Expect.RefusalAsync(ErrorKind.NotFound, () => experiments.GetAsync(editor, 999), "No Experiment with id=999 exists");
    }

    [Fact]
    public async Task A_run_gets_an_artifact_uri_under_its_experiment_and_readers_cannot_log()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var editor = await registry.UserAsync(Roles.Editor);
        var experiment = await registry.Services.GetRequiredService<ExperimentService>().CreateAsync(editor, "fraud");
        var runs = registry.Services.GetRequiredService<RunService>();

        var run = await runs.CreateAsync(editor, experiment.Id, "first");

        Assert.Matches("^[0-9a-f]{32}$", run.Info.Id);
        Assert.Equal($"mlflow-artifacts:/{experiment.Id}/{run.Info.Id}/artifacts", run.Info.ArtifactUri);
        Assert.Equal(RunStatuses.Running, run.Info.Status);
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => runs.LogParamAsync(registry.UserAsync(Roles.Reader).Result, run.Info.Id, "lr", "0.1"), "Editor role");
        await Expect.RefusalAsync(ErrorKind.NotFound, () => runs.GetAsync(editor, "0123456789abcdef0123456789abcdef"), "Run with id=0123456789abcdef0123456789abcdef not found");
    }

    [Fact]
    public async Task Params_are_write_once_and_metrics_keep_their_history_with_the_latest_by_step()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (runs, editor, runId) = await NewRunAsync(registry);

        await runs.LogParamAsync(editor, runId, "lr", "0.1");
        await runs.LogParamAsync(editor, runId, "lr", "0.1"); // the same value again is fine
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => runs.LogParamAsync(editor, runId, "lr", "0.2"), "Changing param values is not allowed");
        await runs.LogBatchAsync(editor, runId, metrics: [new("auc", 0.80, 1000, 0), new("auc", 0.91, 3000, 2), new("auc", 0.85, 2000, 1)]);
        await runs.UpdateAsync(editor, runId, status: "finished", endTime: 5000);

        var run = await runs.GetAsync(editor, runId);
        Assert.Equal(("lr", "0.1"), (run.Params.Single().Key, run.Params.Single().Value));
        Assert.Equal(0.91, run.LatestMetrics.Single().Value);
        Assert.Equal(("FINISHED", 5000L), (run.Info.Status, run.Info.EndTime!.Value));
        Assert.Equal([0.80, 0.85, 0.91], (await runs.MetricHistoryAsync(editor, runId, "auc")).Select(m => m.Value));
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => runs.UpdateAsync(editor, runId, status: "DONE"), "not a run status");
    }

    [Fact]
    public async Task Batches_and_values_beyond_mlflow_s_limits_are_refused_whole()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (runs, editor, runId) = await NewRunAsync(registry);
        var tooMany = Enumerable.Range(0, 101).ToDictionary(i => $"p{i}", i => "v");

        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => runs.LogBatchAsync(editor, runId, parameters: tooMany), "at most", "Split it");
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => runs.LogParamAsync(editor, runId, "big", new string('x', 6001)), "limit is 6000");
        await Expect.RefusalAsync(ErrorKind.InvalidValue,
            () => runs.LogBatchAsync(editor, runId, metrics: [new("ok", 1, 1, 0)], parameters: new Dictionary<string, string> { [""] = "x" }), "key is required");

        var run = await runs.GetAsync(editor, runId);
        Assert.Empty(run.Params);
        Assert.Empty(run.LatestMetrics); // a refused batch writes nothing, not even its valid part
    }

    [Fact]
    public async Task Logged_models_accumulate_in_the_history_tag_the_client_reads()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (runs, editor, runId) = await NewRunAsync(registry);

        await runs.LogModelAsync(editor, runId, """{"artifact_path":"model","flavors":{"sklearn":{}}}""");
        await runs.LogModelAsync(editor, runId, """{"artifact_path":"model2","flavors":{}}""");

        var history = JsonNode.Parse((await runs.GetAsync(editor, runId)).Tags.Single(t => t.Key == RunService.LoggedModelsTag).Value)!.AsArray();
        Assert.Equal(["model", "model2"], history.Select(m => m!["artifact_path"]!.GetValue<string>()));
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => runs.LogModelAsync(editor, runId, "{not json"), "not valid JSON");
    }

    internal static async Task<(RunService Runs, RegistryPortal.Security.Actor Editor, string RunId)> NewRunAsync(TestRegistry registry)
    {
        var editor = await registry.UserAsync(Roles.Editor);
        var experiment = await registry.Services.GetRequiredService<ExperimentService>().CreateAsync(editor, $"exp-{Guid.NewGuid():N}");
        var runs = registry.Services.GetRequiredService<RunService>();
        return (runs, editor, (await runs.CreateAsync(editor, experiment.Id)).Info.Id);
    }
}
