using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using RegistryPortal.Storage;
using RegistryPortal.Tests.TestSupport;
using RegistryPortal.Tracking;

namespace RegistryPortal.Tests.Tracking;

/// <summary>Registering an MLflow 3 logged model (<c>models:/m-…</c> or model_id): its files are copied and the version keeps the link.</summary>
public class LoggedModelRegistrationTests
{
    private sealed record Setup(TestRegistry Registry, LoggedModelService Models, ModelRegistration Registration, ArtifactStore Store,
        Actor Editor, int ExperimentId, string RunId);

    private static async Task<Setup> SetUpAsync(TestRegistry registry)
    {
        var (models, editor, experiment, runId) = await LoggedModelServiceTests.NewExperimentAsync(registry);
        await registry.Models.CreateAsync(editor, "fraud");
        return new Setup(registry, models, registry.Services.GetRequiredService<ModelRegistration>(),
            registry.Services.GetRequiredService<ArtifactStore>(), editor, experiment, runId);
    }

    /// <summary>A logged model with an MLmodel and a weights file uploaded under its artifact location, finalized as <paramref name="status"/> (null: left PENDING).</summary>
    private static async Task<LoggedModel> LoggedModelAsync(Setup s, string? status = LoggedModelStatuses.Ready, bool fromRun = true)
    {
        var model = (await s.Models.CreateAsync(s.Editor, new NewLoggedModel(s.ExperimentId, "clf", fromRun ? s.RunId : null))).Info;
        var folder = ArtifactStore.PathOf(model.ArtifactUri)!;
        await s.Store.SaveAsync($"{folder}/MLmodel", new MemoryStream("flavors: {}\n"u8.ToArray()), default);
        await s.Store.SaveAsync($"{folder}/data/model.pkl", new MemoryStream([1, 2, 3]), default);
        return status is null ? model : (await s.Models.FinalizeAsync(s.Editor, model.Id, status)).Info;
    }

    private static async Task AssertCopiedAsync(Setup s, VersionView version)
    {
        Assert.StartsWith(ModelFileStore.RegistryUriPrefix, version.DownloadUri);
        var copy = ArtifactStore.PathOf(version.DownloadUri)!;
        Assert.Equal("flavors: {}\n", await File.ReadAllTextAsync(s.Store.FileOrNull($"{copy}/MLmodel")!));
        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(s.Store.FileOrNull($"{copy}/data/model.pkl")!));
    }

    /// <summary>The logged model's <c>mlflow.modelVersions</c> tag as (name, version) pairs; empty when it has none.</summary>
    private static async Task<List<(string Name, int Version)>> ModelVersionsTagAsync(Setup s, string loggedModelId)
    {
        var tag = (await s.Models.GetAsync(s.Editor, loggedModelId)).Tags.SingleOrDefault(t => t.Key == LoggedModelService.ModelVersionsTag);
        if (tag is null) return [];
        return JsonNode.Parse(tag.Value)!.AsArray().Select(e => (e!["name"]!.GetValue<string>(), e["version"]!.GetValue<int>())).ToList();
    }

    [Fact]
    public async Task A_models_uri_copies_the_logged_model_s_files_and_answers_ready_with_the_link_kept()
    {
        await using var registry = await TestRegistry.CreateAsync(); // the default wait: a small model answers READY
        var s = await SetUpAsync(registry);
        var logged = await LoggedModelAsync(s);

        var version = await s.Registration.RegisterAsync(s.Editor, new NewVersion("fraud", $"models:/{logged.Id}"));

        Assert.Equal((VersionStatus.Ready, 1, logged.Id, s.RunId), (version.Status, version.Version, version.LoggedModelId, version.RunId));
        Assert.Equal($"models:/{logged.Id}", version.Source); // lineage keeps what the user registered
        await AssertCopiedAsync(s, version);
        var stored = await registry.Versions.GetAsync(s.Editor, "fraud", 1);
        Assert.Equal((VersionStatus.Ready, logged.Id, s.RunId, version.DownloadUri), (stored.Status, stored.LoggedModelId, stored.RunId, stored.DownloadUri));
        Assert.Equal([("fraud", 1)], await ModelVersionsTagAsync(s, logged.Id));
    }

    [Fact]
    public async Task The_copy_survives_deleting_the_logged_model_s_files()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var s = await SetUpAsync(registry);
        var logged = await LoggedModelAsync(s);

        var version = await s.Registration.RegisterAsync(s.Editor, new NewVersion("fraud", $"models:/{logged.Id}"));
        Directory.Delete(s.Store.PhysicalPath(ArtifactStore.PathOf(logged.ArtifactUri)!), recursive: true);

        await AssertCopiedAsync(s, version);
    }

    [Fact]
    public async Task Each_registration_is_listed_on_the_logged_model_and_model_id_may_come_with_the_uri_or_the_artifact_location()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var s = await SetUpAsync(registry);
        await registry.Models.CreateAsync(s.Editor, "churn");
        var logged = await LoggedModelAsync(s);

        // models:/m-… with the same model_id; then what the 3.x client sends: the artifact location with model_id.
        var second = await s.Registration.RegisterAsync(s.Editor, new NewVersion("fraud", $"models:/{logged.Id}", LoggedModelId: logged.Id));
        var third = await s.Registration.RegisterAsync(s.Editor, new NewVersion("churn", logged.ArtifactUri, LoggedModelId: logged.Id));

        foreach (var version in new[] { second, third })
        {
            Assert.Equal((VersionStatus.Ready, logged.Id, s.RunId), (version.Status, version.LoggedModelId, version.RunId));
            await AssertCopiedAsync(s, version);
        }
        Assert.Equal(logged.ArtifactUri, third.Source);
        Assert.NotEqual(second.DownloadUri, third.DownloadUri); // each version has its own copy
        Assert.Equal([("fraud", 1), ("churn", 1)], await ModelVersionsTagAsync(s, logged.Id));
    }

    [Fact]
    public async Task A_run_id_given_with_the_request_is_kept_and_a_model_logged_outside_a_run_gives_none()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var s = await SetUpAsync(registry);
        var outsideRun = await LoggedModelAsync(s, fromRun: false);
        var fromRun = await LoggedModelAsync(s);
        var otherRun = (await registry.Runs().CreateAsync(s.Editor, s.ExperimentId)).Info.Id;

        var first = await s.Registration.RegisterAsync(s.Editor, new NewVersion("fraud", $"models:/{outsideRun.Id}"));
        var second = await s.Registration.RegisterAsync(s.Editor, new NewVersion("fraud", $"models:/{fromRun.Id}", RunId: otherRun));

        Assert.Equal(("", outsideRun.Id), (first.RunId, first.LoggedModelId));
        Assert.Equal((otherRun, fromRun.Id), (second.RunId, second.LoggedModelId));
    }

    [Theory]
    [InlineData(null, "is still LOGGED_MODEL_PENDING", "Finalize it as LOGGED_MODEL_READY first")]
    [InlineData(LoggedModelStatuses.UploadFailed, "is LOGGED_MODEL_UPLOAD_FAILED", "cannot be registered")]
    public async Task A_logged_model_that_is_not_ready_is_refused_and_no_version_is_made(string? status, string said, string hint)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var s = await SetUpAsync(registry);
        var logged = await LoggedModelAsync(s, status);

        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => s.Registration.RegisterAsync(s.Editor, new NewVersion("fraud", $"models:/{logged.Id}")),
            $"Logged model {logged.Id} {said}", hint);
        await Expect.RefusalAsync(ErrorKind.InvalidValue,
            () => s.Registration.RegisterAsync(s.Editor, new NewVersion("fraud", logged.ArtifactUri, LoggedModelId: logged.Id)), said);

        Assert.Equal(0, await registry.QueryAsync(db => db.Versions.CountAsync()));
        Assert.Empty(await ModelVersionsTagAsync(s, logged.Id));
        await s.Registration.WhenIdleAsync();
        Assert.Equal(0, await registry.QueryAsync(db => db.Versions.CountAsync())); // nothing was started in the background either
    }

    [Fact]
    public async Task A_source_and_model_id_that_name_different_models_are_refused()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var s = await SetUpAsync(registry);
        var one = await LoggedModelAsync(s);
        var other = await LoggedModelAsync(s);

        await Expect.RefusalAsync(ErrorKind.InvalidValue,
            () => s.Registration.RegisterAsync(s.Editor, new NewVersion("fraud", $"models:/{one.Id}", LoggedModelId: other.Id)),
            $"The source names logged model {one.Id} but model_id is {other.Id}");

        Assert.Equal(0, await registry.QueryAsync(db => db.Versions.CountAsync()));
        Assert.Empty(await ModelVersionsTagAsync(s, one.Id));
        Assert.Empty(await ModelVersionsTagAsync(s, other.Id));
    }

    [Fact]
    public async Task An_unknown_or_deleted_logged_model_is_not_found()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var s = await SetUpAsync(registry);
        const string unknown = "m-0123456789abcdef0123456789abcdef";
        var deleted = await LoggedModelAsync(s);
        await s.Models.DeleteAsync(s.Editor, deleted.Id);

        await Expect.RefusalAsync(ErrorKind.NotFound, () => s.Registration.RegisterAsync(s.Editor, new NewVersion("fraud", $"models:/{unknown}")),
            $"Logged model with ID '{unknown}' not found.");
        await Expect.RefusalAsync(ErrorKind.NotFound,
            () => s.Registration.RegisterAsync(s.Editor, new NewVersion("fraud", "s3://bucket/model", LoggedModelId: unknown)), unknown);
        await Expect.RefusalAsync(ErrorKind.NotFound, () => s.Registration.RegisterAsync(s.Editor, new NewVersion("fraud", $"models:/{deleted.Id}")),
            $"Logged model with ID '{deleted.Id}' not found.");

        Assert.Equal(0, await registry.QueryAsync(db => db.Versions.CountAsync()));
    }

    [Fact]
    public async Task A_registered_model_s_uri_is_not_taken_for_a_logged_model()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var s = await SetUpAsync(registry);

        // models:/m-foo/1 names version 1 of a registered model called "m-foo", not a logged model.
        var version = await s.Registration.RegisterAsync(s.Editor, new NewVersion("fraud", "models:/m-foo/1"));

        Assert.Equal((VersionStatus.Ready, "", "models:/m-foo/1"), (version.Status, version.LoggedModelId, version.DownloadUri));
    }

    [Fact]
    public async Task Without_a_wait_the_answer_is_pending_and_the_version_becomes_ready_when_the_copy_ends()
    {
        await using var registry = await TestRegistry.CreateAsync(new Dictionary<string, string?> { ["Registry:RegistrationWaitSeconds"] = "0" });
        var s = await SetUpAsync(registry);
        var logged = await LoggedModelAsync(s);

        var pending = await s.Registration.RegisterAsync(s.Editor, new NewVersion("fraud", $"models:/{logged.Id}"));
        await s.Registration.WhenIdleAsync();

        Assert.Equal((VersionStatus.PendingRegistration, logged.Id, s.RunId), (pending.Status, pending.LoggedModelId, pending.RunId));
        var ready = await registry.Versions.GetAsync(s.Editor, "fraud", 1);
        Assert.Equal((VersionStatus.Ready, logged.Id, s.RunId), (ready.Status, ready.LoggedModelId, ready.RunId));
        await AssertCopiedAsync(s, ready);
        Assert.Equal([("fraud", 1)], await ModelVersionsTagAsync(s, logged.Id));
    }

    [Fact]
    public async Task A_ready_logged_model_without_files_leaves_a_failed_version_with_the_reason()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var s = await SetUpAsync(registry);
        var empty = (await s.Models.CreateAsync(s.Editor, new NewLoggedModel(s.ExperimentId, "empty", s.RunId))).Info;
        await s.Models.FinalizeAsync(s.Editor, empty.Id, LoggedModelStatuses.Ready);

        await s.Registration.RegisterAsync(s.Editor, new NewVersion("fraud", $"models:/{empty.Id}"));
        await s.Registration.WhenIdleAsync();

        var failed = await registry.Versions.GetAsync(s.Editor, "fraud", 1);
        Assert.Equal((VersionStatus.FailedRegistration, empty.Id), (failed.Status, failed.LoggedModelId));
        Assert.Contains("There are no artifacts at", failed.StatusMessage);
    }
}
