using System.IO.Compression;
using RegistryPortal.Domain;

namespace RegistryPortal.Storage;

/// <summary>
/// Model files uploaded in the browser. Uploads stream into a per-user staging folder (<see cref="StorageLayout"/>), each file
/// under a temporary name renamed when complete; registering moves the whole folder into the registry's
/// own location in one rename, so a cancelled or failed upload never leaves a half-written version.
/// </summary>
public sealed class ModelFileStore(StorageLayout layout, FileSizeLimit limit)
{
    /// <summary>Registered files live here; a version's source is <c>mlflow-artifacts:/registry/&lt;id&gt;</c>.</summary>
    public const string RegistryUriPrefix = ArtifactStore.Scheme + "/" + StorageLayout.RegistryFolderName + "/";

    /// <summary>
    /// Streams one uploaded file into the staging folder; never holds it in memory. A file whose declared
    /// length is over the size limit is refused before a byte is read.
    /// </summary>
    public Task<long> SaveUploadAsync(string userId, Guid uploadId, string relativePath, Stream content, CancellationToken ct, long? declaredLength = null)
    {
        var target = StorageLayout.Confined(layout.StagingFolder(userId, uploadId), relativePath);
        limit.Check(declaredLength, relativePath);
        return AtomicFile.WriteAsync(target, content, limit, ct);
    }

    public void DiscardUpload(string userId, Guid uploadId)
    {
        var folder = layout.StagingFolder(userId, uploadId);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    /// <summary>
    /// Moves a complete upload into the registry's location (unpacking a lone .zip) and returns its URI.
    /// </summary>
    public string PromoteUpload(string userId, Guid uploadId)
    {
        var staging = layout.StagingFolder(userId, uploadId);
        var files = Directory.Exists(staging) ? Directory.GetFiles(staging, "*", SearchOption.AllDirectories) : [];
        if (files.Length == 0) throw RegistryError.InvalidValue("No model files were uploaded. Choose the files (or a .zip) to register.");
        if (files.Any(StorageLayout.IsPartial))
            throw RegistryError.InvalidValue("The upload is not complete yet. Wait for it to finish, or cancel it.");
        if (files is [var zip] && zip.EndsWith(".zip", StringComparison.OrdinalIgnoreCase)) Unzip(zip, staging);

        var id = ArtifactStore.NewRegistryId();
        var final = layout.RegistryFolder(id);
        Directory.CreateDirectory(layout.RegistryRoot);
        Directory.Move(staging, final);
        return RegistryUriPrefix + id;
    }

    /// <summary>Removes registered files again, when the version they were for could not be registered.</summary>
    public void DeleteRegistered(string sourceUri)
    {
        if (!sourceUri.StartsWith(RegistryUriPrefix, StringComparison.Ordinal)) return;
        var folder = layout.RegistryFolder(sourceUri[RegistryUriPrefix.Length..]);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    /// <summary>Extracts a zip in place, refusing entries that would land outside the folder ("zip slip").</summary>
    private static void Unzip(string zipPath, string folder)
    {
        using (var archive = ZipFile.OpenRead(zipPath))
        {
            foreach (var entry in archive.Entries)
            {
                var target = StorageLayout.Confined(folder, entry.FullName);
                if (entry.FullName.EndsWith('/')) { Directory.CreateDirectory(target); continue; }
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                entry.ExtractToFile(target, overwrite: true);
            }
        }
        File.Delete(zipPath);
    }
}
