using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Storage;
using RegistryPortal.Tests.TestSupport;
using RegistryPortal.Tracking;

namespace RegistryPortal.Tests.Tracking;

/// <summary>Registering from a run copies its model folder into the registry's own location.</summary>
public class ModelRegistrationTests
{
    [Fact]
    public async Task A_run_s_model_is_copied_pending_then_ready_and_survives_deleting_the_run_s_artifacts()
    {
        // No wait: the registration answers at once, while the files are still being copied.
        await using var registry = await TestRegistry.CreateAsync(new Dictionary<string, string?> { ["Registry:RegistrationWaitSeconds"] = "0" });
        var (runs, editor, runId) = await TrackingServiceTests.NewRunAsync(registry);
        var store = registry.Services.GetRequiredService<ArtifactStore>();
        var runFolder = ArtifactStore.PathOf((await runs.GetAsync(editor, runId)).Info.ArtifactUri)!;
        await store.SaveAsync($"{runFolder}/model/MLmodel", new MemoryStream("flavors: {}"u8.ToArray()), default);
        await store.SaveAsync($"{runFolder}/model/data/model.pkl", new MemoryStream([1, 2, 3]), default);
        await registry.Models.CreateAsync(editor, "fraud");
        var registration = registry.Services.GetRequiredService<ModelRegistration>();

        var pending = await registration.RegisterAsync(editor, new NewVersion("fraud", $"runs:/{runId}/model", RunId: runId));
        await registration.WhenIdleAsync();

        Assert.Equal(VersionStatus.PendingRegistration, pending.Status);
        var ready = await registry.Versions.GetAsync(editor, "fraud", 1);
        Assert.Equal(VersionStatus.Ready, ready.Status);
        Assert.Equal($"runs:/{runId}/model", ready.Source); // lineage keeps what the user registered
        Assert.StartsWith(ModelFileStore.RegistryUriPrefix, ready.DownloadUri);
        Directory.Delete(store.PhysicalPath(runFolder), recursive: true);
        var copy = ArtifactStore.PathOf(ready.DownloadUri)!;
        Assert.Equal(["registry/" + copy["registry/".Length..] + "/MLmodel", "registry/" + copy["registry/".Length..] + "/data"],
            (await store.ListAsync(copy, default)).Select(e => e.Path).OrderByDescending(p => p));
        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(store.FileOrNull($"{copy}/data/model.pkl")!));
    }

    [Fact]
    public async Task A_copy_that_fails_leaves_the_version_failed_with_the_reason()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (_, editor, runId) = await TrackingServiceTests.NewRunAsync(registry);
        await registry.Models.CreateAsync(editor, "fraud");
        var registration = registry.Services.GetRequiredService<ModelRegistration>();

        await registration.RegisterAsync(editor, new NewVersion("fraud", $"runs:/{runId}/no-such-folder"));
        await registration.WhenIdleAsync();

        var failed = await registry.Versions.GetAsync(editor, "fraud", 1);
        Assert.Equal(VersionStatus.FailedRegistration, failed.Status);
        Assert.Contains("There are no artifacts at", failed.StatusMessage);
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Stages.TransitionAsync(editor, "fraud", 1, "Staging"), "only READY versions");
    }

    [Fact]
    public async Task A_source_outside_the_portal_is_registered_ready_as_it_is()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var editor = await registry.UserAsync(Roles.Editor);
        await registry.Models.CreateAsync(editor, "fraud");

        var version = await registry.Services.GetRequiredService<ModelRegistration>().RegisterAsync(editor, new NewVersion("fraud", "s3://bucket/model"));

        Assert.Equal((VersionStatus.Ready, "s3://bucket/model"), (version.Status, version.DownloadUri));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("1/../../x")]
    [InlineData("/abs/path")]
    [InlineData("uploads/someone/abc/model.pkl")]
    public async Task Artifact_paths_are_confined_to_the_store(string path)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var store = registry.Services.GetRequiredService<ArtifactStore>();

        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => store.SaveAsync(path, new MemoryStream([1]), default));
    }
}
