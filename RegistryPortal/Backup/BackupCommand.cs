namespace RegistryPortal.Backup;

/// <summary>
/// The portal's own maintenance commands: <c>backup --to FOLDER</c> and <c>restore --from FOLDER</c>, with the same
/// settings as the portal (appsettings.json, environment, and flags such as <c>--Database:DataFolder /srv/registry</c>).
/// Exit codes: 0 done, 1 refused or failed (the message says why), 2 a usage error.
/// </summary>
public static class BackupCommand
{
    private const string Usage = """
        Usage: RegistryPortal backup --to FOLDER      copy the registry (database and files) into a new or empty folder
               RegistryPortal restore --from FOLDER   restore such a backup into an empty data folder
        Settings as for the portal, e.g. --Database:DataFolder /srv/registry --Artifacts:Root /srv/registry/artifacts
        """;

    /// <summary>The tables a summary names, with what their rows are.</summary>
    private static readonly (string Table, string Rows)[] Summarized =
    [
        ("Models", "registered models"), ("Versions", "model versions"), ("TransitionRequests", "transition requests"),
        ("Activity", "activity events"), ("AspNetUsers", "users"), ("Grants", "per-model grants"), ("AccessTokens", "access tokens"),
        ("Experiments", "experiments"), ("Runs", "runs"), ("LoggedModels", "logged models"),
    ];

    public static bool IsCommand(string[] args) => args is ["backup" or "restore", ..];

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken ct = default)
    {
        var verb = args[0];
        var option = verb == "backup" ? "--to" : "--from";
        var settings = args[1..].ToList();
        var at = settings.IndexOf(option);
        if (at < 0 || at + 1 >= settings.Count || settings[at + 1].StartsWith("--", StringComparison.Ordinal))
        {
            error.WriteLine($"'{verb}' needs {option} FOLDER.");
            error.WriteLine(Usage);
            return 2;
        }
        var folder = settings[at + 1];
        settings.RemoveRange(at, 2);

        try
        {
            var backup = new RegistryBackup(StartupSettings.CreateBuilder([.. settings]).Configuration);
            if (verb == "backup") await BackUpAsync(backup, folder, output, error, ct);
            else await RestoreAsync(backup, folder, output, ct);
            return 0;
        }
        catch (Exception e) when (e is BackupException or InvalidSettingsException)
        {
            error.WriteLine(e.Message);
            return 1;
        }
    }

    private static async Task BackUpAsync(RegistryBackup backup, string folder, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var (manifest, missing) = await backup.BackUpAsync(folder, ct);
        output.WriteLine(backup.Locations.ArtifactsInFolder
            ? $"Backed up {backup.Locations.DatabaseFile} and {backup.Locations.ArtifactsRoot} to {Path.GetFullPath(folder)}:"
            : $"Backed up {backup.Locations.DatabaseFile} to {Path.GetFullPath(folder)}:");
        WriteSummary(manifest, output);
        if (missing.Count > 0)
            error.WriteLine($"Warning: {missing.Count} READY versions name files that the artifact folder itself lacks, so they are not in the backup (downloading them fails in the portal too):");
        foreach (var version in missing) error.WriteLine($"  {version}");
        if (backup.ObjectStoreNote() is { } note) output.WriteLine(note);
        output.WriteLine($"Restore it with: restore --from {Path.GetFullPath(folder)}");
    }

    private static async Task RestoreAsync(RegistryBackup backup, string folder, TextWriter output, CancellationToken ct)
    {
        var manifest = await backup.RestoreAsync(folder, ct);
        output.WriteLine(backup.Locations.ArtifactsInFolder
            ? $"Restored the backup taken {manifest.CreatedAt:yyyy-MM-dd HH:mm:ss} UTC into {backup.Locations.DatabaseFile} and {backup.Locations.ArtifactsRoot}:"
            : $"Restored the backup taken {manifest.CreatedAt:yyyy-MM-dd HH:mm:ss} UTC into {backup.Locations.DatabaseFile}:");
        WriteSummary(manifest, output);
        if (backup.ObjectStoreNote() is { } note) output.WriteLine(note);
        output.WriteLine("Start the portal with these settings to serve it.");
    }

    private static void WriteSummary(BackupManifest manifest, TextWriter output)
    {
        output.WriteLine("  " + string.Join(", ", Summarized.Select(s => $"{manifest.RowsOf(s.Table)} {s.Rows}")));
        output.WriteLine($"  {manifest.Files.Count} files ({manifest.FileBytes:N0} bytes); {manifest.Rows.Values.Sum()} rows in {manifest.Rows.Count} tables; migration {manifest.Migration}");
    }
}
