using RegistryPortal.Backup;
using RegistryPortal.Data;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Backup;

/// <summary>What backup and restore refuse, with a message that says what to do, and without writing anything.</summary>
public sealed class BackupRefusalTests : SmallRegistryTest
{
    private string backupFolder = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        backupFolder = Scratch("backup");
        await new RegistryBackup(Source.Locations, TimeProvider.System).BackUpAsync(backupFolder);
    }

    private static Task<BackupManifest> RestoreIntoAsync(string dataFolder, string from) =>
        new RegistryBackup(TestRegistry.LocationsIn(dataFolder), TimeProvider.System).RestoreAsync(from);

    [Fact]
    public async Task Restore_refuses_a_data_folder_that_holds_a_registry_and_leaves_it_as_it_was()
    {
        var target = Scratch("live");
        Directory.CreateDirectory(target);
        await File.WriteAllTextAsync(Path.Combine(target, "registry.db"), "the registry in use");

        var error = await Assert.ThrowsAsync<BackupException>(() => RestoreIntoAsync(target, backupFolder));

        Assert.Contains("is not empty", error.Message);
        Assert.Contains("registry.db", error.Message);
        Assert.Equal("the registry in use", await File.ReadAllTextAsync(Path.Combine(target, "registry.db")));
        Assert.False(Directory.Exists(Path.Combine(target, "artifacts")));
    }

    [Fact]
    public async Task Restore_refuses_an_artifact_folder_that_holds_files()
    {
        var target = Scratch("target");
        var locations = TestRegistry.LocationsIn(target) with { ArtifactsRoot = Scratch("elsewhere") };
        Directory.CreateDirectory(Path.Combine(locations.ArtifactsRoot, "1"));
        await File.WriteAllTextAsync(Path.Combine(locations.ArtifactsRoot, "1", "old.txt"), "x");

        var error = await Assert.ThrowsAsync<BackupException>(() => new RegistryBackup(locations, TimeProvider.System).RestoreAsync(backupFolder));

        Assert.Contains($"'{locations.ArtifactsRoot}' is not empty", error.Message);
        Assert.False(File.Exists(locations.DatabaseFile));
    }

    [Fact]
    public async Task Restore_refuses_a_folder_that_is_not_a_backup()
    {
        var notBackup = Scratch("photos");
        Directory.CreateDirectory(notBackup);
        await File.WriteAllTextAsync(Path.Combine(notBackup, "registry.db"), "not a backup");

        var error = await Assert.ThrowsAsync<BackupException>(() => RestoreIntoAsync(Scratch("target"), notBackup));

        Assert.Contains("is not a RegistryPortal backup", error.Message);
        Assert.Contains("manifest.json", error.Message);
        Assert.Null(RegistryBackup.FirstFileIn(Scratch("target")));
    }

    [Fact]
    public async Task Restore_refuses_a_backup_with_a_missing_file_before_writing_anything()
    {
        var file = Directory.GetFiles(Path.Combine(backupFolder, "artifacts"), "model.pkl", SearchOption.AllDirectories).Single();
        File.Delete(file);

        var error = await Assert.ThrowsAsync<BackupException>(() => RestoreIntoAsync(Scratch("target"), backupFolder));

        Assert.Contains("The backup is incomplete", error.Message);
        Assert.Contains("model.pkl", error.Message);
        Assert.Null(RegistryBackup.FirstFileIn(Scratch("target")));
    }

    [Fact]
    public async Task Restore_of_a_file_whose_bytes_changed_fails_and_removes_what_it_had_written()
    {
        var file = Directory.GetFiles(Path.Combine(backupFolder, "artifacts"), "model.pkl", SearchOption.AllDirectories).Single();
        await File.WriteAllBytesAsync(file, [9, 9, 9, 9]); // same length, other bytes

        var error = await Assert.ThrowsAsync<BackupException>(() => RestoreIntoAsync(Scratch("target"), backupFolder));

        Assert.Contains("is damaged", error.Message);
        Assert.Null(RegistryBackup.FirstFileIn(Scratch("target")));
    }

    [Fact]
    public async Task Backup_refuses_a_folder_that_holds_files_and_leaves_them_be()
    {
        var error = await Assert.ThrowsAsync<BackupException>(() =>
            new RegistryBackup(Source.Locations, TimeProvider.System).BackUpAsync(backupFolder));

        Assert.Contains("is not empty", error.Message);
        Assert.True(File.Exists(Path.Combine(backupFolder, BackupManifest.FileName)));
        await RestoreIntoAsync(Scratch("target"), backupFolder); // the earlier backup is intact
    }

    [Fact]
    public async Task Backup_refuses_a_folder_inside_the_artifact_folder_it_copies()
    {
        var inside = Path.Combine(Source.Locations.ArtifactsRoot, "backups", "today");

        var error = await Assert.ThrowsAsync<BackupException>(() => new RegistryBackup(Source.Locations, TimeProvider.System).BackUpAsync(inside));

        Assert.Contains("lies inside the artifact folder", error.Message);
        Assert.False(Directory.Exists(inside));
    }

    [Fact]
    public async Task On_PostgreSQL_backup_and_restore_print_the_pg_dump_flow_instead()
    {
        var postgres = Source.Locations with { Provider = DatabaseProvider.Postgres };

        var error = await Assert.ThrowsAsync<BackupException>(() => new RegistryBackup(postgres, TimeProvider.System).BackUpAsync(Scratch("pg")));

        Assert.Contains("pg_dump --format=custom", error.Message);
        Assert.Contains("pg_restore", error.Message);
        Assert.Contains(Source.Locations.ArtifactsRoot, error.Message);
        Assert.False(Directory.Exists(Scratch("pg")));
    }
}
