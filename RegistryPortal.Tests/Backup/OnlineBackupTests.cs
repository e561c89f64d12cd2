using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Backup;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Storage;
using RegistryPortal.Tests.TestSupport;
using RegistryPortal.Tracking;

namespace RegistryPortal.Tests.Backup;

/// <summary>A backup taken while the registry keeps writing restores to a consistent registry.</summary>
public sealed class OnlineBackupTests
{
    [Fact]
    public async Task A_backup_taken_during_registrations_restores_to_a_registry_where_every_READY_version_has_all_its_files()
    {
        await using var source = await TestRegistry.CreateAsync();
        var owner = await source.UserAsync(Roles.Editor);
        await source.Models.CreateAsync(owner, "busy");
        var runId = await source.RunWithModelAsync(owner);
        // A large run artifact, so copying the folder takes long enough for registrations to land during it.
        await source.SaveArtifactAsync(owner, runId, "dataset.bin", RandomNumberGenerator.GetBytes(64 << 20));
        var registration = source.Services.GetRequiredService<ModelRegistration>();

        var registered = 0;
        using var stop = new CancellationTokenSource();
        var writers = new List<Task>
        {
            Task.Run(async () => // uploads: a folder renamed into registry/ in one move
            {
                while (!stop.IsCancellationRequested)
                {
                    await BackupScenario.UploadVersionAsync(source, owner, "busy", RandomNumberGenerator.GetBytes(50_000));
                    Interlocked.Increment(ref registered);
                }
            }),
            Task.Run(async () => // copies of a run's model folder: PENDING, a .partial folder, then READY
            {
                while (!stop.IsCancellationRequested)
                {
                    await registration.RegisterAsync(owner, new NewVersion("busy", $"runs:/{runId}/model"));
                    Interlocked.Increment(ref registered);
                }
            }),
        };
        while (Volatile.Read(ref registered) < 4) await Task.Delay(10);

        var scratch = TestRegistry.NewFolder();
        try
        {
            await BackUpRestoreAndCheckAsync(source, registration, Path.Combine(scratch, "backup"), () => Volatile.Read(ref registered), async () =>
            {
                await stop.CancelAsync();
                await Task.WhenAll(writers);
            });
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>Backs up while the writers run, stops them, restores, and checks every READY version's files.</summary>
    private static async Task BackUpRestoreAndCheckAsync(TestRegistry source, ModelRegistration registration, string backupFolder,
        Func<int> registered, Func<Task> stopWriters)
    {
        var before = registered();
        var (manifest, missing) = await new RegistryBackup(source.Locations, TimeProvider.System).BackUpAsync(backupFolder);
        var during = registered() - before;
        await stopWriters();
        await registration.WhenIdleAsync();

        Assert.True(during > 0, "no registration landed while the backup ran, so this test proved nothing");
        Assert.Empty(missing);
        var target = TestRegistry.NewFolder();
        await new RegistryBackup(TestRegistry.LocationsIn(target), TimeProvider.System).RestoreAsync(backupFolder);
        await using var restored = await TestRegistry.OpenAsync(target);

        var versions = await restored.QueryAsync(db => db.Versions.OrderBy(v => v.Number).ToListAsync());
        Assert.Equal(manifest.RowsOf("Versions"), versions.Count);
        Assert.Equal(Enumerable.Range(1, versions.Count), versions.Select(v => v.Number));
        var ready = versions.Where(v => v.Status == VersionStatus.Ready).ToList();
        Assert.True(ready.Count >= before, $"only {ready.Count} READY versions came back of the {before} registered before the backup");
        var sourceStore = source.Services.GetRequiredService<ArtifactStore>();
        var restoredStore = restored.Services.GetRequiredService<ArtifactStore>();
        foreach (var version in ready)
        {
            var folder = ArtifactStore.PathOf(version.StorageLocation)!;
            var expected = RegistryContents.FilesOf(sourceStore.PhysicalPath(folder)).Files;
            Assert.NotEmpty(expected);
            Assert.Equal(expected, RegistryContents.FilesOf(restoredStore.PhysicalPath(folder)).Files);
        }
    }
}
