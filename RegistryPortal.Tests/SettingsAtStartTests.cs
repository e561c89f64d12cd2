using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RegistryPortal.Api;
using RegistryPortal.Backup;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using RegistryPortal.Storage;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests;

/// <summary>
/// The real app (Program) reads its settings once at start: it refuses a wrong one before it touches the database, with
/// one line that names the setting (the backup command refuses the same way), and takes an empty one as the default.
/// </summary>
public sealed class SettingsAtStartTests
{
    /// <summary>The app over a temporary data folder with settings of the test's.</summary>
    private static PortalHost App(Dictionary<string, string?> settings) => new() { Settings = settings };

    public static TheoryData<string, string, string> WrongValues => new()
    {
        { "Database:Provider", "MySql", "Database:Provider is 'MySql': give one of Sqlite, Postgres." },
        { "Database:Provider", "2", "Database:Provider is '2': give one of Sqlite, Postgres." },
        { "Database:ConnectionString", "Data Source", "Database:ConnectionString is not a SQLite connection string" },
        { "Artifacts:Store", "Blob", "Artifacts:Store is 'Blob': give one of FileSystem, AzureBlob, S3 (default FileSystem)." },
        { "Artifacts:Store", "1", "Artifacts:Store is '1': give one of FileSystem, AzureBlob, S3 (default FileSystem)." },
        { "Artifacts:MaxFileSizeMB", "-1", "Artifacts:MaxFileSizeMB is -1: give the largest file an upload may write in megabytes, or 0 for no limit (default 20480)." },
        { "Artifacts:MaxFileSizeMB", "lots", "Failed to convert configuration value 'lots' at 'Artifacts:MaxFileSizeMB'" },
        { "Registry:RegistrationWaitSeconds", "-1", "Registry:RegistrationWaitSeconds is -1: give a number of seconds from 0 up to 3600 (default 5)." },
        { "Registry:RecoverAfterMinutes", "0", "Registry:RecoverAfterMinutes is 0: give a number of minutes above 0 up to 43200 (default 30)." },
        { "Registry:RecoverAfterMinutes", "NaN", "Registry:RecoverAfterMinutes is NaN: give a number of minutes above 0" },
        { "Registry:AllowLocalSources", "maybe", "Failed to convert configuration value 'maybe' at 'Registry:AllowLocalSources'" },
        { "Api:CredentialCacheMinutes", "-5", "Api:CredentialCacheMinutes is -5: give a number of minutes from 0 up to 1440 (default 5)." },
        { "Api:FailedSignInsPerMinute", "0", "Api:FailedSignInsPerMinute is 0: give a number of sign-ins above 0" },
        { "Admin:Email", "admin", "Admin:Email is 'admin': give the admin account's email address (default admin@registry.local)." },
        { "Accounts:AllowSelfRegistration", "sometimes", "Failed to convert configuration value 'sometimes' at 'Accounts:AllowSelfRegistration'" },
        { "Demo:Seed", "please", "Failed to convert configuration value 'please' at 'Demo:Seed'" },
    };

    [Theory]
    [MemberData(nameof(WrongValues))]
    public async Task A_wrong_value_stops_the_start_with_one_line_naming_the_setting(string key, string value, string expected)
    {
        await using var app = App(new() { [key] = value });

        var refused = Assert.Throws<InvalidSettingsException>(() => app.Start());

        Assert.StartsWith(expected, refused.Message);
        Assert.DoesNotContain('\n', refused.Message);
        Assert.False(File.Exists(Path.Combine(app.DataFolder, "registry.db")), "the database was made before the settings were checked");
    }

    [Fact]
    public async Task Several_wrong_values_give_a_line_each()
    {
        await using var app = App(new()
        {
            ["Registry:RegistrationWaitSeconds"] = "-1", ["Registry:RecoverAfterMinutes"] = "-1",
        });

        var refused = Assert.Throws<InvalidSettingsException>(() => app.Start());

        Assert.Collection(refused.Message.Split(Environment.NewLine),
            line => Assert.StartsWith("Registry:RegistrationWaitSeconds is -1: ", line),
            line => Assert.StartsWith("Registry:RecoverAfterMinutes is -1: ", line));
    }

    [Fact]
    public async Task An_empty_value_means_the_default()
    {
        await using var app = App(new()
        {
            ["Registry:RecoverAfterMinutes"] = "", ["Artifacts:MaxFileSizeMB"] = "", ["Api:FailedSignInsPerMinute"] = "", ["Admin:Email"] = "",
        });

        app.Start();

        Assert.Equal(30, app.Services.GetRequiredService<IOptions<RegistryOptions>>().Value.RecoverAfterMinutes);
        Assert.Equal(20 * 1024 * 1024 * 1024L, app.Services.GetRequiredService<FileSizeLimit>().MaxBytes);
        Assert.Equal(60, app.Services.GetRequiredService<IOptions<ApiOptions>>().Value.FailedSignInsPerMinute);
        Assert.Equal("admin@registry.local", app.Services.GetRequiredService<IOptions<AdminOptions>>().Value.Email);
    }

    [Fact]
    public async Task The_backup_command_refuses_a_wrong_setting_with_its_line_and_exit_code_1()
    {
        var (output, error) = (new StringWriter(), new StringWriter());

        var exit = await BackupCommand.RunAsync(["backup", "--to", Path.Combine(Path.GetTempPath(), "never-written"), "--Database:Provider", "Oracle"], output, error);

        Assert.Equal(1, exit);
        Assert.Equal("", output.ToString());
        Assert.Equal("Database:Provider is 'Oracle': give one of Sqlite, Postgres." + Environment.NewLine, error.ToString());
    }
}
