namespace RegistryPortal.E2E;

/// <summary>
/// The portal as deployed (its own process) refuses a wrong setting: exit code 1 and, on standard error, only the line
/// that names the setting, not a stack trace; it made no database. Both kinds of setting are covered: the database's
/// (read while the services are put together) and the others (checked once they are).
/// </summary>
public sealed class WrongSettingTests : IDisposable
{
    private readonly string data = Directory.CreateTempSubdirectory("registryportal-settings-").FullName;

    [Theory]
    [InlineData("Database:Provider", "Oracle", "Database:Provider is 'Oracle': give one of Sqlite, Postgres.")]
    [InlineData("Registry:RecoverAfterMinutes", "-1", "Registry:RecoverAfterMinutes is -1: give a number of minutes above 0 up to 43200 (default 30).")]
    [InlineData("Artifacts:MaxFileSizeMB", "20GB", "Failed to convert configuration value '20GB' at 'Artifacts:MaxFileSizeMB' to type 'System.Int64'.")]
    public async Task A_wrong_setting_ends_the_process_with_one_line_naming_it(string key, string value, string line)
    {
        var (exit, output, error) = await PortalProcess.RefusedAsync(data, (key, value));

        Assert.Equal((1, "", line + Environment.NewLine), (exit, output, error));
        Assert.False(File.Exists(Path.Combine(data, "registry.db")));
    }

    public void Dispose() => Directory.Delete(data, recursive: true);
}
