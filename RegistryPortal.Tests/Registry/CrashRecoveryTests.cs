using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using RegistryPortal.Storage;
using RegistryPortal.Tests.TestSupport;
using RegistryPortal.Tests.Tracking;
using RegistryPortal.Tracking;

namespace RegistryPortal.Tests.Registry;

/// <summary>
/// The recovery after a crash, over the state a killed process leaves, built by hand: what was last written before the
/// cutoff is left behind and is cleaned up or finished; what was written after it belongs to someone still working.
/// </summary>
public class CrashRecoveryTests
{
    private static readonly DateTime Cutoff = DateTime.UtcNow.AddMinutes(-5);
    private static readonly DateTime Before = Cutoff.AddHours(-1);
    private static readonly DateTime After = Cutoff.AddMinutes(1);

    [Fact]
    public async Task Temporary_files_and_unregistered_uploads_untouched_since_the_cutoff_are_removed_and_newer_ones_kept()
    {
        await using var s = await Scenario.CreateAsync();
        var deadUpload = s.Write("uploads/user1/0a/model.pkl", Before);
        s.Write("uploads/user1/0a/.weights.bin.1f.partial", Before);
        var deadPut = s.Write("1/run1/artifacts/.model.pkl.2e.partial", Before);
        var deadCopy = s.Write("registry/3d.partial/MLmodel", Before);
        var complete = s.Write("1/run1/artifacts/model.pkl", Before);
        var liveUpload = s.Write("uploads/user1/0b/.model.pkl.4c.partial", After);
        var livePut = s.Write("1/run2/artifacts/.big.bin.5b.partial", After);

        var report = await s.Recovery.RecoverAsync(Cutoff);

        Assert.Equal((1, 2), (report.UploadsRemoved, report.PartialsRemoved));
        Assert.False(Directory.Exists(Path.GetDirectoryName(deadUpload)));
        Assert.False(File.Exists(deadPut));
        Assert.False(Directory.Exists(Path.GetDirectoryName(deadCopy)));
        Assert.All([complete, liveUpload, livePut], path => Assert.True(File.Exists(path), path));
    }

    [Fact]
    public async Task A_pending_copy_whose_source_is_still_there_is_copied_again_into_a_new_folder_and_turns_ready()
    {
        await using var s = await Scenario.CreateAsync();
        var (source, files) = await s.RunWithModelAsync();
        await s.PendingAsync(source, plannedId: "a1");
        var halfCopy = s.Write("registry/a1/MLmodel", Before, "flavors: {}"u8.ToArray()); // data/model.pkl never arrived

        var report = await s.Recovery.RecoverAsync(DateTime.UtcNow);
        await s.Registration.WhenIdleAsync();

        Assert.Equal(1, report.CopiesResumed);
        var ready = await s.Registry.Versions.GetAsync(s.Editor, "fraud", 1);
        Assert.Equal((VersionStatus.Ready, ""), (ready.Status, ready.StatusMessage));
        Assert.StartsWith(ModelFileStore.RegistryUriPrefix, ready.DownloadUri);
        Assert.NotEqual(ModelFileStore.RegistryUriPrefix + "a1", ready.DownloadUri);
        var copy = s.Store.PhysicalPath(ArtifactStore.PathOf(ready.DownloadUri)!);
        Assert.Equal(files, Directory.GetFiles(copy, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(copy, f)).Order(StringComparer.Ordinal));
        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(Path.Combine(copy, "data", "model.pkl")));
        Assert.False(Directory.Exists(Path.GetDirectoryName(halfCopy)));
    }

    [Fact]
    public async Task A_pending_copy_whose_source_is_gone_fails_with_a_message_that_says_what_to_do()
    {
        await using var s = await Scenario.CreateAsync();
        var (source, _) = await s.RunWithModelAsync();
        await s.PendingAsync(source, plannedId: "b2");
        Directory.Delete(s.Store.PhysicalPath(ArtifactStore.PathOf((await s.RunAsync()).Info.ArtifactUri)!), recursive: true);

        var report = await s.Recovery.RecoverAsync(DateTime.UtcNow);

        Assert.Equal(1, report.CopiesFailed);
        var failed = await s.Registry.Versions.GetAsync(s.Editor, "fraud", 1);
        Assert.Equal(VersionStatus.FailedRegistration, failed.Status);
        Assert.Contains("The portal stopped while copying", failed.StatusMessage);
        Assert.Contains("Register the version again", failed.StatusMessage);
        Assert.Equal(source, failed.DownloadUri); // no folder of the registry's that does not exist
        Assert.False(Directory.Exists(Path.Combine(s.Store.Root, "registry")));
    }

    [Fact]
    public async Task A_copy_that_was_complete_before_the_crash_only_has_its_version_marked_ready()
    {
        await using var s = await Scenario.CreateAsync();
        var (source, _) = await s.RunWithModelAsync();
        await s.PendingAsync(source, plannedId: "c3");
        s.Write("registry/c3/MLmodel", Before, "flavors: {}"u8.ToArray());
        s.Write("registry/c3/data/model.pkl", Before, [1, 2, 3]);

        var report = await s.Recovery.RecoverAsync(DateTime.UtcNow);
        await s.Registration.WhenIdleAsync();

        Assert.Equal((1, 0), (report.CopiesCompleted, report.CopiesResumed));
        var ready = await s.Registry.Versions.GetAsync(s.Editor, "fraud", 1);
        Assert.Equal((VersionStatus.Ready, ModelFileStore.RegistryUriPrefix + "c3"), (ready.Status, ready.DownloadUri));
        Assert.Equal(["c3"], Directory.GetDirectories(Path.Combine(s.Store.Root, "registry")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_copy_still_being_written_and_a_version_registered_after_the_cutoff_are_left_alone()
    {
        await using var s = await Scenario.CreateAsync();
        var (source, _) = await s.RunWithModelAsync();
        await s.PendingAsync(source, plannedId: "d4");
        var cutoff = DateTime.UtcNow;
        var liveCopy = s.Write("registry/d4/MLmodel", cutoff.AddSeconds(1), "flavors: {}"u8.ToArray()); // data/model.pkl still to come
        await s.PendingAsync(source, plannedId: "e5");

        var report = await s.Recovery.RecoverAsync(cutoff);

        Assert.Equal(new RecoveryReport(0, 0, 0, 0, 0, LeftRunning: 1), report);
        Assert.True(File.Exists(liveCopy));
        Assert.All((await s.Registry.Versions.ListAsync(s.Editor, "fraud")).Items, v => Assert.Equal(VersionStatus.PendingRegistration, v.Status));
    }

    [Fact]
    public async Task Of_two_instances_that_read_the_same_left_version_only_the_first_to_claim_it_copies_it()
    {
        await using var s = await Scenario.CreateAsync();
        var (source, _) = await s.RunWithModelAsync();
        await s.PendingAsync(source, plannedId: "f6");
        var cutoff = DateTime.UtcNow;
        var seenByOne = Assert.Single(await s.Recovery.StalePendingAsync(cutoff));
        var seenByOther = Assert.Single(await s.Recovery.StalePendingAsync(cutoff));

        var first = await s.Recovery.RecoverAsync(seenByOne, cutoff);
        var second = await s.Recovery.RecoverAsync(seenByOther, cutoff);
        await s.Registration.WhenIdleAsync();

        Assert.Equal((CrashRecovery.Outcome.Resumed, CrashRecovery.Outcome.Running), (first, second));
        Assert.Equal(VersionStatus.Ready, (await s.Registry.Versions.GetAsync(s.Editor, "fraud", 1)).Status);
        Assert.Single(Directory.GetDirectories(Path.Combine(s.Store.Root, "registry")));
        Assert.Empty(await s.Recovery.StalePendingAsync(cutoff)); // and a later pass with that cutoff finds nothing left
    }

    [Fact]
    public async Task A_copy_that_was_only_partly_written_before_the_crash_is_removed_and_copied_again()
    {
        await using var s = await Scenario.CreateAsync();
        var (source, _) = await s.RunWithModelAsync();
        await s.PendingAsync(source, plannedId: "g7");
        s.Write("registry/g7/MLmodel", Before, "flavors: {}"u8.ToArray());
        s.Write("registry/g7/data/model.pkl", Before, [1]); // cut short

        var report = await s.Recovery.RecoverAsync(DateTime.UtcNow);
        await s.Registration.WhenIdleAsync();

        Assert.Equal((0, 1), (report.CopiesCompleted, report.CopiesResumed));
        var ready = await s.Registry.Versions.GetAsync(s.Editor, "fraud", 1);
        Assert.Equal(VersionStatus.Ready, ready.Status);
        Assert.NotEqual(ModelFileStore.RegistryUriPrefix + "g7", ready.DownloadUri);
        Assert.False(Directory.Exists(Path.Combine(s.Store.Root, "registry", "g7")));
        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(Path.Combine(s.Store.PhysicalPath(ArtifactStore.PathOf(ready.DownloadUri)!), "data", "model.pkl")));
    }

    [Fact]
    public async Task Registry_copies_no_version_refers_to_are_removed_unless_written_since_the_cutoff()
    {
        await using var s = await Scenario.CreateAsync();
        var (source, _) = await s.RunWithModelAsync();
        var version = await s.Registry.Services.GetRequiredService<ModelRegistration>().RegisterAsync(s.Editor, new NewVersion("fraud", source));
        await s.Registration.WhenIdleAsync();
        var kept = s.Store.PhysicalPath(ArtifactStore.PathOf((await s.Registry.Versions.GetAsync(s.Editor, "fraud", version.Version)).DownloadUri)!);
        foreach (var file in Directory.GetFiles(kept, "*", SearchOption.AllDirectories)) File.SetLastWriteTimeUtc(file, Before); // as old as the orphan
        await s.PendingAsync(source, plannedId: "pending1"); // written after the cutoff: its copy is someone's work in progress
        var orphan = s.Write("registry/0rphan/data/model.pkl", Before);
        var pendingCopy = s.Write("registry/pending1/MLmodel", Before);
        var justMoved = s.Write("registry/fresh/MLmodel", After); // an upload moved in, its version not committed yet

        var report = await s.Recovery.RecoverAsync(Cutoff);

        Assert.Equal(1, report.OrphansRemoved);
        Assert.Contains("removed 1 registry cop(ies) no version refers to", report.ToString());
        Assert.False(Directory.Exists(Path.Combine(s.Store.Root, "registry", "0rphan")));
        Assert.False(File.Exists(orphan));
        Assert.True(Directory.Exists(kept), kept);
        Assert.All([pendingCopy, justMoved], path => Assert.True(File.Exists(path), path));
    }

    /// <summary>A registry with a model "fraud", an editor and a run of theirs; files are written under the artifact root.</summary>
    private sealed class Scenario(TestRegistry registry, Actor editor, RunService runs, string runId) : IAsyncDisposable
    {
        public TestRegistry Registry => registry;
        public Actor Editor => editor;
        public ArtifactStore Store => registry.Services.GetRequiredService<ArtifactStore>();
        public CrashRecovery Recovery => registry.Services.GetRequiredService<CrashRecovery>();
        public ModelRegistration Registration => registry.Services.GetRequiredService<ModelRegistration>();

        public static async Task<Scenario> CreateAsync()
        {
            var registry = await TestRegistry.CreateAsync();
            var (runs, editor, runId) = await TrackingServiceTests.NewRunAsync(registry);
            await registry.Models.CreateAsync(editor, "fraud");
            return new Scenario(registry, editor, runs, runId);
        }

        public Task<RunDetails> RunAsync() => runs.GetAsync(editor, runId);

        /// <summary>A model folder in the run's artifacts; returns its runs:/ source and its files' paths inside it.</summary>
        public async Task<(string Source, string[] Files)> RunWithModelAsync()
        {
            var runFolder = ArtifactStore.PathOf((await RunAsync()).Info.ArtifactUri)!;
            await Store.SaveAsync($"{runFolder}/model/MLmodel", new MemoryStream("flavors: {}"u8.ToArray()), default);
            await Store.SaveAsync($"{runFolder}/model/data/model.pkl", new MemoryStream([1, 2, 3]), default);
            return ($"runs:/{runId}/model", ["MLmodel", Path.Combine("data", "model.pkl")]);
        }

        /// <summary>A version as a registration leaves it while its copy into registry/<paramref name="plannedId"/> runs.</summary>
        public Task<VersionView> PendingAsync(string source, string plannedId) =>
            registry.Versions.RegisterAsync(editor, new NewVersion("fraud", source, RunId: runId, Pending: true,
                StorageLocation: ModelFileStore.RegistryUriPrefix + plannedId));

        /// <summary>Writes a file under the artifact root, and gives it and its new folders <paramref name="lastWrite"/> as their write time.</summary>
        public string Write(string relativePath, DateTime lastWrite, byte[]? content = null)
        {
            var path = Path.Combine(Store.Root, relativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, content ?? "x"u8.ToArray());
            File.SetLastWriteTimeUtc(path, lastWrite);
            for (var folder = Path.GetDirectoryName(path)!; folder != Store.Root; folder = Path.GetDirectoryName(folder)!)
                Directory.SetLastWriteTimeUtc(folder, lastWrite);
            return path;
        }

        public ValueTask DisposeAsync() => registry.DisposeAsync();
    }
}
