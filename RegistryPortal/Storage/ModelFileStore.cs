using System.IO.Compression;
using RegistryPortal.Domain;

namespace RegistryPortal.Storage;

/// <summary>
/// Model files uploaded in the browser. Uploads stream into a per-user staging folder of the store
/// (<see cref="StorageLayout"/>), each file invisible until complete; registering moves the whole folder into the
/// registry's own location, so a cancelled or failed upload never leaves a half-written version.
/// </summary>
public sealed class ModelFileStore(IArtifactStore store, FileSizeLimit limit)
{
    /// <inheritdoc cref="ArtifactStore.RegistryUriPrefix"/>
    public const string RegistryUriPrefix = ArtifactStore.RegistryUriPrefix;

    /// <summary>
    /// Streams one uploaded file into the staging folder; never holds it in memory. A file whose declared
    /// length is over the size limit is refused before a byte is read.
    /// </summary>
    public Task<long> SaveUploadAsync(string userId, Guid uploadId, string relativePath, Stream content, CancellationToken ct, long? declaredLength = null)
    {
        var key = ArtifactKey.Join(StorageLayout.StagingFolder(userId, uploadId), relativePath);
        limit.Check(declaredLength, relativePath); // here, so the refusal names the file as the user chose it
        return store.WriteAsync(key, content, ct, declaredLength);
    }

    public Task DiscardUploadAsync(string userId, Guid uploadId, CancellationToken ct = default) =>
        store.DeleteFolderAsync(StorageLayout.StagingFolder(userId, uploadId), ct);

    /// <summary>
    /// Moves a complete upload into the registry's location (unpacking a lone .zip) and returns its URI.
    /// </summary>
    public async Task<string> PromoteUploadAsync(string userId, Guid uploadId, CancellationToken ct = default)
    {
        var staging = StorageLayout.StagingFolder(userId, uploadId);
        var files = new List<StoredFile>();
        await foreach (var file in store.ListAllAsync(staging, ct)) files.Add(file);
        if (files.Count == 0) throw RegistryError.InvalidValue("No model files were uploaded. Choose the files (or a .zip) to register.");
        if (files is [var zip] && zip.Key.EndsWith(".zip", StringComparison.OrdinalIgnoreCase)) await UnzipAsync(zip.Key, staging, ct);

        var id = ArtifactStore.NewRegistryId();
        await store.MoveFolderAsync(staging, StorageLayout.RegistryFolder(id), ct);
        return RegistryUriPrefix + id;
    }

    /// <summary>Removes registered files again, when the version they were for could not be registered.</summary>
    public async Task DeleteRegisteredAsync(string sourceUri)
    {
        if (ArtifactStore.RegistryIdOf(sourceUri) is { } id) await store.DeleteFolderAsync(StorageLayout.RegistryFolder(id), CancellationToken.None);
    }

    /// <summary>
    /// Extracts a zip read from the store into <paramref name="folder"/>, one entry at a time; an entry that would land
    /// outside the folder ("zip slip") is refused by <see cref="ArtifactKey"/>, and the upload with it.
    /// </summary>
    private async Task UnzipAsync(string zipKey, string folder, CancellationToken ct)
    {
        await using (var content = await store.OpenReadAsync(zipKey, ct) ?? throw RegistryError.NotFound("The uploaded .zip is gone. Upload it again."))
        {
            try
            {
                await using var archive = await ZipArchive.CreateAsync(content, ZipArchiveMode.Read, leaveOpen: false, entryNameEncoding: null, ct);
                foreach (var entry in archive.Entries)
                {
                    if (entry.FullName.EndsWith('/')) continue; // folders are only the prefixes of their files
                    var key = ArtifactKey.Join(folder, entry.FullName);
                    await using var data = await entry.OpenAsync(ct);
                    await store.WriteAsync(key, data, ct, entry.Length);
                }
            }
            catch (InvalidDataException e)
            {
                throw RegistryError.InvalidValue($"The uploaded .zip cannot be read ({e.Message}). Upload a valid .zip, or the files themselves.");
            }
        }
        await store.DeleteAsync(zipKey, ct);
    }
}
