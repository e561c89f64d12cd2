using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Domain;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;
using RegistryPortal.Tracking;

namespace RegistryPortal.Tests.Tracking;

/// <summary>MLflow 3's logged models through the real service: create, finalize, tags, delete, outputs, metrics, permissions.</summary>
public class LoggedModelServiceTests
{
    private const string UnknownId = "m-0123456789abcdef0123456789abcdef";

    /// <summary>An Editor, an experiment and a run in it: what a logged model is made in.</summary>
    internal static async Task<(LoggedModelService Models, Actor Editor, int ExperimentId, string RunId)> NewExperimentAsync(TestRegistry registry)
    {
        var editor = await registry.UserAsync(Roles.Editor);
        var experiment = await registry.ExperimentAsync(editor, $"exp-{Guid.NewGuid():N}");
        var runId = (await registry.Runs().CreateAsync(editor, experiment)).Info.Id;
        return (registry.Services.GetRequiredService<LoggedModelService>(), editor, experiment, runId);
    }

    /// <summary>Sets a model's creation time beneath the service, so tests that depend on "newest first" do not depend on the clock.</summary>
    internal static Task SetCreationTimeAsync(TestRegistry registry, string modelId, long creationTime) =>
        registry.QueryAsync(db => db.LoggedModels.Where(m => m.Id == modelId)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.CreationTime, creationTime)));

    [Fact]
    public async Task A_new_model_is_pending_with_an_m_id_and_its_files_under_the_experiment()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (models, editor, experiment, runId) = await NewExperimentAsync(registry);

        var created = await models.CreateAsync(editor, new NewLoggedModel(experiment, "fraud-clf", runId, "sklearn",
            new Dictionary<string, string> { ["lr"] = "0.1", ["depth"] = "3" }, new Dictionary<string, string> { ["team"] = "risk" }));

        var id = created.Info.Id;
        Assert.Matches("^m-[0-9a-f]{32}$", id);
        Assert.Equal(LoggedModelStatuses.Pending, created.Info.Status);
        Assert.Equal($"mlflow-artifacts:/{experiment}/models/{id}/artifacts", created.Info.ArtifactUri);
        var read = await models.GetAsync(editor, id);
        Assert.Equal(("fraud-clf", runId, "sklearn", experiment, LoggedModelStatuses.Pending, LifecycleStages.Active),
            (read.Info.Name, read.Info.SourceRunId, read.Info.ModelType, read.Info.ExperimentId, read.Info.Status, read.Info.LifecycleStage));
        Assert.Equal(editor.UserId, read.Info.CreatedById);
        Assert.True(read.Info.CreationTime > 0);
        Assert.Equal(read.Info.CreationTime, read.Info.LastUpdatedTime);
        Assert.Equal(["depth=3", "lr=0.1"], read.Params.Select(p => $"{p.Key}={p.Value}")); // sorted by key
        Assert.Equal(["team=risk"], read.Tags.Select(t => $"{t.Key}={t.Value}"));
        Assert.Empty(read.Metrics);
        Assert.NotEqual(id, (await models.CreateAsync(editor, new NewLoggedModel(experiment, "fraud-clf"))).Info.Id); // names need not be unique
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task A_model_without_a_name_is_named_after_its_id(string? name)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (models, editor, experiment, _) = await NewExperimentAsync(registry);

        var created = await models.CreateAsync(editor, new NewLoggedModel(experiment, name));

        Assert.Equal($"model-{created.Info.Id[2..10]}", created.Info.Name);
        Assert.Equal("", created.Info.SourceRunId); // logged outside a run
        Assert.Equal(created.Info.Name, (await models.GetAsync(editor, created.Info.Id)).Info.Name);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a:b")]
    [InlineData("model.v2")]
    [InlineData("50%")]
    [InlineData("say \"hi\"")]
    [InlineData("it's")]
    [InlineData("   ")]
    public async Task Names_with_characters_mlflow_refuses_are_refused_with_mlflow_s_message(string name)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (models, editor, experiment, _) = await NewExperimentAsync(registry);

        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => models.CreateAsync(editor, new NewLoggedModel(experiment, name)),
            $"Invalid model name ('{name}') provided. Model name must be a non-empty string and cannot contain the following characters: ('/', ':', '.', '%', '\"', \"'\")");

        Assert.Equal(0, await registry.QueryAsync(db => db.LoggedModels.CountAsync()));
    }

    [Fact]
    public async Task The_experiment_must_exist_and_the_source_run_must_belong_to_it()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (models, editor, experiment, runId) = await NewExperimentAsync(registry);
        var other = await registry.ExperimentAsync(editor, "other");

        await Expect.RefusalAsync(ErrorKind.NotFound, () => models.CreateAsync(editor, new NewLoggedModel(999_999)), "No Experiment with id=999999 exists");
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => models.CreateAsync(editor, new NewLoggedModel(other, "m", runId)),
            $"Run {runId} belongs to experiment {experiment}, not {other}");
        await Expect.RefusalAsync(ErrorKind.NotFound,
            () => models.CreateAsync(editor, new NewLoggedModel(experiment, "m", "0123456789abcdef0123456789abcdef")), "Run with id=0123456789abcdef0123456789abcdef not found");

        Assert.Equal(0, await registry.QueryAsync(db => db.LoggedModels.CountAsync()));
        Assert.Equal(runId, (await models.CreateAsync(editor, new NewLoggedModel(experiment, "m", runId))).Info.SourceRunId);
    }

    [Theory]
    [InlineData(LoggedModelStatuses.Ready)]
    [InlineData(LoggedModelStatuses.UploadFailed)]
    public async Task A_pending_model_is_finalized_once(string status)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (models, editor, experiment, _) = await NewExperimentAsync(registry);
        var id = (await models.CreateAsync(editor, new NewLoggedModel(experiment, "clf"))).Info.Id;

        var finalized = await models.FinalizeAsync(editor, id, status);

        Assert.Equal(status, finalized.Info.Status);
        Assert.Equal(status, (await models.GetAsync(editor, id)).Info.Status);
        Assert.True(finalized.Info.LastUpdatedTime >= finalized.Info.CreationTime);
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => models.FinalizeAsync(editor, id, LoggedModelStatuses.Ready),
            $"Logged model {id} is already finalized as {status}");
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => models.FinalizeAsync(editor, id, LoggedModelStatuses.UploadFailed), "already finalized");
        Assert.Equal(status, (await models.GetAsync(editor, id)).Info.Status); // the refusals changed nothing
    }

    [Theory]
    [InlineData("DONE")]
    [InlineData("READY")]
    [InlineData(LoggedModelStatuses.Pending)]
    [InlineData("")]
    public async Task A_status_other_than_ready_or_upload_failed_is_refused_and_the_model_stays_pending(string status)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (models, editor, experiment, _) = await NewExperimentAsync(registry);
        var id = (await models.CreateAsync(editor, new NewLoggedModel(experiment, "clf"))).Info.Id;

        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => models.FinalizeAsync(editor, id, status),
            $"Invalid value '{status}' for parameter 'status'", LoggedModelStatuses.Ready, LoggedModelStatuses.UploadFailed);

        Assert.Equal(LoggedModelStatuses.Pending, (await models.GetAsync(editor, id)).Info.Status);
        await Expect.RefusalAsync(ErrorKind.NotFound, () => models.FinalizeAsync(editor, UnknownId, LoggedModelStatuses.Ready),
            $"Logged model with ID '{UnknownId}' not found.");
    }

    [Fact]
    public async Task A_deleted_model_answers_as_missing_unless_deleted_ones_are_allowed()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (models, editor, experiment, _) = await NewExperimentAsync(registry);
        var id = (await models.CreateAsync(editor, new NewLoggedModel(experiment, "clf", Tags: new Dictionary<string, string> { ["a"] = "1" }))).Info.Id;
        var kept = (await models.CreateAsync(editor, new NewLoggedModel(experiment, "kept"))).Info.Id;

        await models.DeleteAsync(editor, id);

        await Expect.RefusalAsync(ErrorKind.NotFound, () => models.GetAsync(editor, id), $"Logged model with ID '{id}' not found.");
        var deleted = await models.GetAsync(editor, id, allowDeleted: true);
        Assert.Equal((id, LifecycleStages.Deleted, "clf"), (deleted.Info.Id, deleted.Info.LifecycleStage, deleted.Info.Name));
        Assert.Equal(["a=1"], deleted.Tags.Select(t => $"{t.Key}={t.Value}")); // kept as deleted, not erased
        Assert.Equal(LifecycleStages.Active, (await models.GetAsync(editor, kept)).Info.LifecycleStage); // only that one
        await Expect.RefusalAsync(ErrorKind.NotFound, () => models.DeleteAsync(editor, id), "not found");
        await Expect.RefusalAsync(ErrorKind.NotFound, () => models.FinalizeAsync(editor, id, LoggedModelStatuses.Ready), "not found");
        await Expect.RefusalAsync(ErrorKind.NotFound, () => models.GetAsync(editor, UnknownId, allowDeleted: true), "not found");
    }

    [Fact]
    public async Task Tags_are_set_overwritten_and_deleted()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (models, editor, experiment, _) = await NewExperimentAsync(registry);
        var id = (await models.CreateAsync(editor, new NewLoggedModel(experiment, "clf", Tags: new Dictionary<string, string> { ["team"] = "risk" }))).Info.Id;

        await models.SetTagsAsync(editor, id, new Dictionary<string, string> { ["stage"] = "candidate", ["owner"] = "ana" });
        await models.SetTagsAsync(editor, id, new Dictionary<string, string> { ["stage"] = "approved" });
        await models.DeleteTagAsync(editor, id, "team");

        Assert.Equal(["owner=ana", "stage=approved"], (await models.GetAsync(editor, id)).Tags.Select(t => $"{t.Key}={t.Value}"));
        await Expect.RefusalAsync(ErrorKind.NotFound, () => models.DeleteTagAsync(editor, id, "team"),
            $"No tag with key 'team' found for model with ID '{id}'.");
    }

    [Fact]
    public async Task A_tag_batch_with_an_invalid_key_is_refused_whole()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (models, editor, experiment, _) = await NewExperimentAsync(registry);
        var id = (await models.CreateAsync(editor, new NewLoggedModel(experiment, "clf"))).Info.Id;

        await Expect.RefusalAsync(ErrorKind.InvalidValue,
            () => models.SetTagsAsync(editor, id, new Dictionary<string, string> { ["ok"] = "v", [""] = "x" }), "key is required");

        Assert.Empty((await models.GetAsync(editor, id)).Tags);
    }

    [Fact]
    public async Task Tags_of_a_deleted_or_unknown_model_are_not_found()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (models, editor, experiment, _) = await NewExperimentAsync(registry);
        var id = (await models.CreateAsync(editor, new NewLoggedModel(experiment, "clf", Tags: new Dictionary<string, string> { ["team"] = "risk" }))).Info.Id;
        await models.DeleteAsync(editor, id);

        await Expect.RefusalAsync(ErrorKind.NotFound, () => models.SetTagsAsync(editor, id, new Dictionary<string, string> { ["x"] = "1" }),
            $"Logged model with ID '{id}' not found.");
        await Expect.RefusalAsync(ErrorKind.NotFound, () => models.DeleteTagAsync(editor, id, "team"), $"Logged model with ID '{id}' not found.");
        await Expect.RefusalAsync(ErrorKind.NotFound, () => models.SetTagsAsync(editor, UnknownId, new Dictionary<string, string> { ["x"] = "1" }),
            $"Logged model with ID '{UnknownId}' not found.");

        Assert.Equal(["team=risk"], (await models.GetAsync(editor, id, allowDeleted: true)).Tags.Select(t => $"{t.Key}={t.Value}"));
    }

    [Fact]
    public async Task Outputs_logged_for_a_run_show_on_the_run_and_logging_one_again_updates_its_step()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (models, editor, experiment, runId) = await NewExperimentAsync(registry);
        var first = (await models.CreateAsync(editor, new NewLoggedModel(experiment, "first"))).Info.Id;
        var second = (await models.CreateAsync(editor, new NewLoggedModel(experiment, "second"))).Info.Id;
        Assert.Empty((await registry.Runs().GetAsync(editor, runId)).ModelOutputs);

        await models.LogOutputsAsync(editor, runId, [new ModelOutput(first, 5), new ModelOutput(second, 2)]);
        await models.LogOutputsAsync(editor, runId, [new ModelOutput(first, 7)]);

        Assert.Equal([new ModelOutput(second, 2), new ModelOutput(first, 7)], (await registry.Runs().GetAsync(editor, runId)).ModelOutputs);
    }

    [Fact]
    public async Task Outputs_naming_an_unknown_model_or_run_are_refused_whole()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (models, editor, experiment, runId) = await NewExperimentAsync(registry);
        var id = (await models.CreateAsync(editor, new NewLoggedModel(experiment, "clf"))).Info.Id;

        await Expect.RefusalAsync(ErrorKind.NotFound, () => models.LogOutputsAsync(editor, runId, [new ModelOutput(id, 1), new ModelOutput(UnknownId, 1)]),
            $"Logged model with ID '{UnknownId}' not found.");
        await Expect.RefusalAsync(ErrorKind.NotFound, () => models.LogOutputsAsync(editor, "0123456789abcdef0123456789abcdef", [new ModelOutput(id, 1)]),
            "Run with id=0123456789abcdef0123456789abcdef not found");

        Assert.Empty((await registry.Runs().GetAsync(editor, runId)).ModelOutputs);
    }

    [Fact]
    public async Task A_run_s_models_are_those_it_produced_or_logged_newest_first_without_deleted_ones()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (models, editor, experiment, runId) = await NewExperimentAsync(registry);
        var otherRun = (await registry.Runs().CreateAsync(editor, experiment)).Info.Id;
        var logged = (await models.CreateAsync(editor, new NewLoggedModel(experiment, "logged-in-run", runId))).Info.Id;
        var produced = (await models.CreateAsync(editor, new NewLoggedModel(experiment, "produced"))).Info.Id;
        var both = (await models.CreateAsync(editor, new NewLoggedModel(experiment, "both", runId))).Info.Id;
        var unrelated = (await models.CreateAsync(editor, new NewLoggedModel(experiment, "unrelated", otherRun))).Info.Id;
        var deleted = (await models.CreateAsync(editor, new NewLoggedModel(experiment, "deleted", runId))).Info.Id;
        await models.LogOutputsAsync(editor, runId, [new ModelOutput(produced, 1), new ModelOutput(both, 2)]);
        await models.DeleteAsync(editor, deleted);
        await SetCreationTimeAsync(registry, logged, 3000);
        await SetCreationTimeAsync(registry, produced, 1000);
        await SetCreationTimeAsync(registry, both, 2000);
        await SetCreationTimeAsync(registry, unrelated, 4000);
        await SetCreationTimeAsync(registry, deleted, 5000);

        var ofRun = await models.ForRunAsync(editor, runId);

        Assert.Equal(["logged-in-run", "both", "produced"], ofRun.Select(m => m.Info.Name));
        Assert.Equal(["unrelated"], (await models.ForRunAsync(editor, otherRun)).Select(m => m.Info.Name));
        await Expect.RefusalAsync(ErrorKind.NotFound, () => models.ForRunAsync(editor, "0123456789abcdef0123456789abcdef"), "not found");
    }

    [Fact]
    public async Task Metrics_logged_with_a_model_id_show_on_that_model_with_the_run_that_logged_them()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (models, editor, experiment, runId) = await NewExperimentAsync(registry);
        var id = (await models.CreateAsync(editor, new NewLoggedModel(experiment, "clf", runId))).Info.Id;
        var other = (await models.CreateAsync(editor, new NewLoggedModel(experiment, "other"))).Info.Id;

        await registry.Runs().LogBatchAsync(editor, runId,
            [new("acc", 0.95, 2000, 1, id), new("acc", 0.90, 1000, 0, id), new("loss", 0.3, 1000, 0), new("f1", 0.7, 1000, 0, other)]);

        var model = await models.GetAsync(editor, id);
        Assert.Equal(["acc=0.9@0 by " + runId, "acc=0.95@1 by " + runId], model.Metrics.Select(m => $"{m.Key}={m.Value}@{m.Step} by {m.RunId}"));
        Assert.Equal(["f1=0.7"], (await models.GetAsync(editor, other)).Metrics.Select(m => $"{m.Key}={m.Value}"));
        // The run keeps every metric, with or without a model.
        var run = await registry.Runs().GetAsync(editor, runId);
        Assert.Equal(["acc=0.95", "f1=0.7", "loss=0.3"], run.LatestMetrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}={m.Value}"));
        Assert.Equal([0.90, 0.95], (await registry.Runs().MetricHistoryAsync(editor, runId, "acc")).Select(m => m.Value));
    }

    [Fact]
    public async Task A_metric_the_run_already_has_is_not_added_again_when_it_comes_back_with_a_model_id()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (models, editor, experiment, runId) = await NewExperimentAsync(registry);
        var id = (await models.CreateAsync(editor, new NewLoggedModel(experiment, "clf", runId))).Info.Id;
        var runs = registry.Runs();

        await runs.LogBatchAsync(editor, runId, [new("acc", 0.9, 1000, 0)]);
        await runs.LogBatchAsync(editor, runId, [new("acc", 0.9, 1000, 0, id)]); // the same value, now for the model
        // Another value at that timestamp and step: a new row for the run (MLflow keys run metrics with their value),
        // but not for the model, whose rows MLflow keys by (model, key, timestamp, step, run) only.
        await runs.LogBatchAsync(editor, runId, [new("acc", 0.8, 1000, 0, id), new("acc", 0.9, 1000, 0, id)]);

        Assert.Equal([0.8, 0.9], (await runs.MetricHistoryAsync(editor, runId, "acc")).Select(m => m.Value).Order());
        Assert.Equal([0.9], (await models.GetAsync(editor, id)).Metrics.Select(m => m.Value));
    }

    [Fact]
    public async Task A_metric_batch_naming_an_unknown_or_deleted_model_is_refused_whole()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (models, editor, experiment, runId) = await NewExperimentAsync(registry);
        var id = (await models.CreateAsync(editor, new NewLoggedModel(experiment, "clf", runId))).Info.Id;
        var deleted = (await models.CreateAsync(editor, new NewLoggedModel(experiment, "gone", runId))).Info.Id;
        await models.DeleteAsync(editor, deleted);
        var runs = registry.Runs();

        await Expect.RefusalAsync(ErrorKind.NotFound, () => runs.LogBatchAsync(editor, runId,
                [new("acc", 0.9, 1000, 0, id), new("loss", 0.2, 1000, 0), new("acc", 0.8, 1000, 1, UnknownId)],
                new Dictionary<string, string> { ["lr"] = "0.1" }, new Dictionary<string, string> { ["team"] = "risk" }),
            $"Logged model with ID '{UnknownId}' not found.");
        await Expect.RefusalAsync(ErrorKind.NotFound, () => runs.LogBatchAsync(editor, runId, [new("acc", 0.9, 1000, 0, deleted)]),
            $"Logged model with ID '{deleted}' not found.");

        var run = await runs.GetAsync(editor, runId);
        Assert.Empty(run.LatestMetrics);
        Assert.Empty(run.Params);
        Assert.DoesNotContain(run.Tags, t => t.Key == "team");
        Assert.Empty((await models.GetAsync(editor, id)).Metrics);
        Assert.Equal(0, await registry.QueryAsync(db => db.LoggedModelMetrics.CountAsync()));
    }

    [Fact]
    public async Task A_reader_sees_logged_models_but_cannot_change_them()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (models, editor, experiment, runId) = await NewExperimentAsync(registry);
        var id = (await models.CreateAsync(editor, new NewLoggedModel(experiment, "clf", runId, Tags: new Dictionary<string, string> { ["team"] = "risk" }))).Info.Id;
        var reader = await registry.UserAsync(Roles.Reader);

        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => models.CreateAsync(reader, new NewLoggedModel(experiment, "mine")), "Editor role");
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => models.FinalizeAsync(reader, id, LoggedModelStatuses.Ready), "Editor role");
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => models.SetTagsAsync(reader, id, new Dictionary<string, string> { ["x"] = "1" }), "Editor role");
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => models.DeleteTagAsync(reader, id, "team"), "Editor role");
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => models.DeleteAsync(reader, id), "Editor role");
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => models.LogOutputsAsync(reader, runId, [new ModelOutput(id, 1)]), "Editor role");

        var seen = await models.GetAsync(reader, id);
        Assert.Equal((LoggedModelStatuses.Pending, LifecycleStages.Active), (seen.Info.Status, seen.Info.LifecycleStage));
        Assert.Equal(["team=risk"], seen.Tags.Select(t => $"{t.Key}={t.Value}"));
        Assert.Equal([id], (await models.SearchAsync(reader, new LoggedModelQuery([experiment]))).Items.Select(m => m.Info.Id));
        Assert.Equal([id], (await models.ForRunAsync(reader, runId)).Select(m => m.Info.Id));
        Assert.Equal(1, await registry.QueryAsync(db => db.LoggedModels.CountAsync()));
        Assert.Empty((await registry.Runs().GetAsync(editor, runId)).ModelOutputs);
    }

    [Fact]
    public async Task A_user_without_a_role_can_neither_read_nor_log()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (models, editor, experiment, runId) = await NewExperimentAsync(registry);
        var id = (await models.CreateAsync(editor, new NewLoggedModel(experiment, "clf", runId))).Info.Id;
        var nobody = await registry.UserAsync();

        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => models.GetAsync(nobody, id), "Reader role");
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => models.SearchAsync(nobody, new LoggedModelQuery([experiment])), "Reader role");
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => models.ForRunAsync(nobody, runId), "Reader role");
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => models.CreateAsync(nobody, new NewLoggedModel(experiment)), "Editor role");
    }
}
