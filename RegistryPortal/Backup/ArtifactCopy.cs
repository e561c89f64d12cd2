using System.Security.Cryptography;
using RegistryPortal.Storage;
using RegistryPortal.Storage.FileSystem;

namespace RegistryPortal.Backup;

/// <summary>
/// Copies the artifact folder (Artifacts:Store FileSystem) into a backup and back, hashing every file on the way. Every file of the store is
/// written by a rename when complete, so a copy sees a whole file or none; temporary <c>.partial</c> files and
/// folders (a write or a registration copy still running) and the staging folder (browsers' uploads, which no row
/// refers to until they are registered) are left out (see <see cref="StorageLayout"/>).
/// </summary>
public static class ArtifactCopy
{
    private const int BufferSize = 1 << 20;

    /// <summary>Copies what is under <paramref name="root"/> into <paramref name="target"/>; returns every folder and file copied.</summary>
    public static async Task<(List<string> Folders, List<BackedUpFile> Files)> BackUpAsync(string root, string target, CancellationToken ct)
    {
        var folders = new List<string>();
        var files = new List<BackedUpFile>();
        if (Directory.Exists(root)) await CopyFolderAsync(root, "", target, folders, files, ct);
        return (folders, files);
    }

    /// <summary>
    /// Recreates the backed-up folders and files under <paramref name="root"/>, checking each file's hash; the backup
    /// must have passed <see cref="CheckComplete"/>.
    /// </summary>
    public static async Task RestoreAsync(string backupArtifacts, BackupManifest manifest, string root, CancellationToken ct)
    {
        Directory.CreateDirectory(root);
        foreach (var folder in manifest.Folders) Directory.CreateDirectory(Path.Combine(root, folder));
        foreach (var file in manifest.Files)
        {
            var target = Path.Combine(root, file.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var (_, hash) = await CopyHashedAsync(Path.Combine(backupArtifacts, file.Path), target, ct);
            if (hash != file.Sha256)
                throw new BackupException($"The backup's file '{BackupManifest.ArtifactsFolder}/{file.Path}' is damaged: its SHA-256 differs from the manifest's.");
        }
    }

    /// <summary>Refuses a backup whose manifest lists a file that is missing, or of another length, or a path that leaves the folder.</summary>
    public static void CheckComplete(string backupArtifacts, BackupManifest manifest)
    {
        foreach (var path in manifest.Folders.Concat(manifest.Files.Select(f => f.Path)))
        {
            ArtifactKey.Check(path); // a manifest is input too: no '..' and no absolute paths
        }
        foreach (var file in manifest.Files)
        {
            var info = new FileInfo(Path.Combine(backupArtifacts, file.Path));
            if (!info.Exists)
                throw new BackupException($"The backup is incomplete: '{BackupManifest.ArtifactsFolder}/{file.Path}' is missing. Copy the whole backup folder again.");
            if (info.Length != file.Bytes)
                throw new BackupException($"The backup is damaged: '{BackupManifest.ArtifactsFolder}/{file.Path}' has {info.Length} bytes, the manifest says {file.Bytes}.");
        }
    }

    private static async Task CopyFolderAsync(string folder, string relative, string target, List<string> folders, List<BackedUpFile> files, CancellationToken ct)
    {
        string[] children, subfolders;
        try
        {
            children = Directory.GetFiles(folder);
            subfolders = Directory.GetDirectories(folder);
        }
        catch (DirectoryNotFoundException)
        {
            return; // removed since it was listed: nothing the snapshot can need (see RegistryBackup)
        }
        foreach (var file in children.Where(f => !AtomicFile.IsPartial(f)).Order(StringComparer.Ordinal))
        {
            var path = Join(relative, Path.GetFileName(file));
            var copy = Path.Combine(target, path);
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            try
            {
                var (bytes, hash) = await CopyHashedAsync(file, copy, ct);
                files.Add(new BackedUpFile(path, bytes, hash));
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                File.Delete(copy);
            }
        }
        foreach (var sub in subfolders.Order(StringComparer.Ordinal))
        {
            var path = Join(relative, Path.GetFileName(sub));
            if (AtomicFile.IsPartial(path) || StorageLayout.IsStaging(path)) continue;
            folders.Add(path);
            Directory.CreateDirectory(Path.Combine(target, path));
            await CopyFolderAsync(sub, path, target, folders, files, ct);
        }
    }

    /// <summary>Copies one file, keeping its last-write time; returns its length and SHA-256 (lowercase hex).</summary>
    public static async Task<(long Bytes, string Sha256)> CopyHashedAsync(string from, string to, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[BufferSize];
        long bytes = 0;
        await using (var source = new FileStream(from, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, useAsync: true))
        await using (var target = new FileStream(to, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, useAsync: true))
        {
            int read;
            while ((read = await source.ReadAsync(buffer, ct)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await target.WriteAsync(buffer.AsMemory(0, read), ct);
                bytes += read;
            }
        }
        File.SetLastWriteTimeUtc(to, File.GetLastWriteTimeUtc(from));
        return (bytes, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private static string Join(string relative, string name) => relative.Length == 0 ? name : $"{relative}/{name}";
}
