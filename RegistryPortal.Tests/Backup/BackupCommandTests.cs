using RegistryPortal.Backup;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Backup;

/// <summary>The portal's <c>backup</c> and <c>restore</c> commands, with settings given as flags as on a command line.</summary>
public sealed class BackupCommandTests : SmallRegistryTest
{
    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await BackupCommand.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static string[] DataFolderFlags(DataLocations locations) =>
        ["--Database:DataFolder", locations.DataFolder, "--Artifacts:Root", locations.ArtifactsRoot];

    [Fact]
    public async Task Backup_then_restore_into_a_new_folder_say_what_they_copied()
    {
        var backupFolder = Scratch("backup");
        var target = TestRegistry.LocationsIn(Scratch("restored"));

        var backup = await RunAsync(["backup", "--to", backupFolder, .. DataFolderFlags(Source.Locations)]);
        var restore = await RunAsync(["restore", .. DataFolderFlags(target), "--from", backupFolder]);

        Assert.Equal((0, ""), (backup.Exit, backup.Error));
        Assert.Contains($"to {backupFolder}:", backup.Output);
        Assert.Contains("1 registered models, 1 model versions", backup.Output);
        Assert.Contains("2 files (", backup.Output); // MLmodel and model.pkl
        Assert.Equal((0, ""), (restore.Exit, restore.Error));
        Assert.Contains($"into {target.DatabaseFile} and {target.ArtifactsRoot}:", restore.Output);
        Assert.Contains("1 registered models, 1 model versions", restore.Output);
        Assert.True(File.Exists(target.DatabaseFile));
    }

    [Theory]
    [InlineData("AzureBlob", "azcopy")]
    [InlineData("S3", "aws s3 sync")]
    public async Task With_artifacts_in_object_storage_backup_and_restore_copy_the_database_only_and_say_how_to_copy_the_artifacts(string store, string tool)
    {
        var backupFolder = Scratch("backup");
        var target = TestRegistry.LocationsIn(Scratch("restored"));
        string[] ObjectStore(DataLocations locations) => ["--Database:DataFolder", locations.DataFolder, "--Artifacts:Store", store];

        var backup = await RunAsync(["backup", "--to", backupFolder, .. ObjectStore(Source.Locations)]);
        var restore = await RunAsync(["restore", .. ObjectStore(target), "--from", backupFolder]);

        Assert.Equal((0, ""), (backup.Exit, backup.Error));
        Assert.Contains($"Backed up {Source.Locations.DatabaseFile} to {backupFolder}:", backup.Output);
        Assert.Contains("0 files (0 bytes)", backup.Output); // the folder's two files are not the store's
        Assert.Contains($"Artifacts:Store is {store}: only the database is backed up and restored here", backup.Output);
        Assert.Contains(tool, backup.Output);
        Assert.False(Directory.Exists(Path.Combine(backupFolder, "artifacts")) && Directory.EnumerateFiles(Path.Combine(backupFolder, "artifacts"), "*", SearchOption.AllDirectories).Any());
        Assert.Equal((0, ""), (restore.Exit, restore.Error));
        Assert.Contains($"into {target.DatabaseFile}:", restore.Output);
        Assert.Contains(tool, restore.Output);
        Assert.True(File.Exists(target.DatabaseFile));
        Assert.False(Directory.Exists(target.ArtifactsRoot));
    }

    [Fact]
    public async Task Restore_from_a_folder_that_is_not_a_backup_exits_1_saying_so()
    {
        var (exit, output, error) = await RunAsync(["restore", "--from", Scratch(), .. DataFolderFlags(TestRegistry.LocationsIn(Scratch("t")))]);

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains($"'{Scratch()}' is not a RegistryPortal backup", error);
    }

    [Theory]
    [InlineData("backup", "--to")]
    [InlineData("restore", "--from")]
    public async Task A_command_without_its_folder_is_a_usage_error(string verb, string option)
    {
        var (exit, _, error) = await RunAsync(verb, option);

        Assert.Equal(2, exit);
        Assert.Contains($"'{verb}' needs {option} FOLDER.", error);
        Assert.Contains("Usage:", error);
    }
}
