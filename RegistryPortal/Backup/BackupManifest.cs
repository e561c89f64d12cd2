using System.Text.Json;

namespace RegistryPortal.Backup;

/// <summary>One file of a backup: its path under the backup's <c>artifacts/</c> folder ('/'-separated), length and SHA-256 (hex).</summary>
public sealed record BackedUpFile(string Path, long Bytes, string Sha256);

/// <summary>
/// What <c>manifest.json</c> in a backup folder says: when it was taken, by which app and at which migration, the row
/// count of every table, and every file with its hash, so a restore can check the backup is complete before it
/// writes anything. The manifest is written last: a folder without one is not a (finished) backup.
/// </summary>
public sealed record BackupManifest(
    string Format,
    DateTime CreatedAt,
    string AppVersion,
    string Migration,
    string DatabaseFile,
    long DatabaseBytes,
    string DatabaseSha256,
    IReadOnlyDictionary<string, long> Rows,
    IReadOnlyList<string> Folders,
    IReadOnlyList<BackedUpFile> Files)
{
    public const string FileName = "manifest.json";
    public const string CurrentFormat = "registryportal-backup/1";
    public const string DatabaseName = "registry.db";
    public const string ArtifactsFolder = "artifacts";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public long FileBytes => Files.Sum(f => f.Bytes);

    public long RowsOf(string table) => Rows.TryGetValue(table, out var n) ? n : 0;

    /// <summary>Writes the manifest under a temporary name and renames it into place, so it appears complete or not at all.</summary>
    public async Task WriteAsync(string backupFolder, CancellationToken ct)
    {
        var target = Path.Combine(backupFolder, FileName);
        var partial = target + ".partial";
        await using (var stream = File.Create(partial)) await JsonSerializer.SerializeAsync(stream, this, Json, ct);
        File.Move(partial, target);
    }

    /// <summary>The manifest of <paramref name="backupFolder"/>; refuses, saying why, a folder that is not a finished backup.</summary>
    public static async Task<BackupManifest> ReadAsync(string backupFolder, CancellationToken ct)
    {
        if (!Directory.Exists(backupFolder))
            throw new BackupException($"There is no folder '{backupFolder}'. Give the folder that 'backup --to' wrote.");
        var path = Path.Combine(backupFolder, FileName);
        if (!File.Exists(path))
            throw new BackupException($"'{backupFolder}' is not a RegistryPortal backup: it has no {FileName} (a backup that did not finish has none either). Give the folder that 'backup --to' wrote.");
        BackupManifest? manifest;
        try
        {
            await using var stream = File.OpenRead(path);
            manifest = await JsonSerializer.DeserializeAsync<BackupManifest>(stream, Json, ct);
        }
        catch (JsonException e)
        {
            throw new BackupException($"'{path}' is not a RegistryPortal backup manifest ({e.Message}).");
        }
        if (manifest?.Format != CurrentFormat)
            throw new BackupException($"'{path}' is not a RegistryPortal backup manifest of format {CurrentFormat} (it says '{manifest?.Format}').");
        return manifest;
    }
}

/// <summary>A backup or restore that was refused or failed, with a message that says what to do.</summary>
public sealed class BackupException(string message) : Exception(message);
