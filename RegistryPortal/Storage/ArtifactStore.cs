using System.IO.Pipelines;
using RegistryPortal.Domain;

namespace RegistryPortal.Storage;

public sealed record ArtifactEntry(string Path, bool IsDir, long? FileSize);

/// <summary>
/// The artifacts behind <c>mlflow-artifacts:/</c> URIs, over the <see cref="IArtifactStore"/> Artifacts:Store chose (see
/// <see cref="StorageLayout"/>): an artifact path is a key, except that the browser's staging area (uploads/) is private
/// to each uploader and never reachable here.
/// </summary>
public sealed class ArtifactStore(IArtifactStore files)
{
    public const string Scheme = "mlflow-artifacts:";

    /// <summary>Registered files live here; a version's source is <c>mlflow-artifacts:/registry/&lt;id&gt;</c>.</summary>
    public const string RegistryUriPrefix = Scheme + "/" + StorageLayout.RegistryFolderName + "/";

    /// <summary>The store underneath, for callers that work on keys (the registry's copies, downloads).</summary>
    public IArtifactStore Files => files;

    /// <summary>The key of an artifact path ("" is the root); refuses '..', absolute paths, the staging area and the like.</summary>
    public static string KeyOf(string artifactPath)
    {
        var key = ArtifactKey.Check(artifactPath, rootAllowed: true);
        return StorageLayout.IsStaging(key) ? throw RegistryError.InvalidValue($"'{artifactPath}' is not an artifact path.") : key;
    }

    /// <summary>The artifact path of a <c>mlflow-artifacts:/a/b</c> URI ("a/b"), or null for any other URI.</summary>
    public static string? PathOf(string uri) =>
        uri.StartsWith(Scheme, StringComparison.Ordinal) ? uri[Scheme.Length..].TrimStart('/') : null;

    /// <summary>The id of a <c>mlflow-artifacts:/registry/&lt;id&gt;</c> location (its first segment), or null for any other.</summary>
    public static string? RegistryIdOf(string? location)
    {
        if (location is null || !location.StartsWith(RegistryUriPrefix, StringComparison.Ordinal)) return null;
        var id = location[RegistryUriPrefix.Length..].Split('/')[0];
        return id.Length == 0 ? null : id;
    }

    /// <summary>A fresh folder name under registry/ for a copy (the version records it while it is pending).</summary>
    public static string NewRegistryId() => Guid.NewGuid().ToString("N");

    public Task<long> SaveAsync(string artifactPath, Stream content, CancellationToken ct) =>
        files.WriteAsync(KeyOf(artifactPath), content, ct);

    /// <summary>
    /// Streams a file into the store; one whose declared length (a length the sender is held to, such as an
    /// HTTP Content-Length) is over the size limit is refused unread.
    /// </summary>
    public Task<long> SaveAsync(string artifactPath, PipeReader content, CancellationToken ct, long? declaredLength = null) =>
        files.WriteAsync(ArtifactKey.Check(KeyOf(artifactPath)), content, declaredLength, ct);

    /// <summary>The file of an artifact, or null when there is no such file.</summary>
    public Task<StoredFile?> GetAsync(string artifactPath, CancellationToken ct) => files.GetAsync(ArtifactKey.Check(KeyOf(artifactPath)), ct);

    /// <summary>The entries directly inside a folder, with their paths from the root (MLflow's list-artifacts).</summary>
    public Task<IReadOnlyList<ArtifactEntry>> ListAsync(string folderPath, CancellationToken ct) => files.ListAsync(KeyOf(folderPath), ct);

    /// <summary>Removes the file at an artifact path, or the folder and everything under it.</summary>
    public async Task DeleteAsync(string artifactPath, CancellationToken ct)
    {
        var key = ArtifactKey.Check(KeyOf(artifactPath));
        if (await files.GetAsync(key, ct) is not null) await files.DeleteAsync(key, ct);
        else await files.DeleteFolderAsync(key, ct);
    }

    /// <summary>Whether any file lies under a folder (on object storage a folder is nothing more).</summary>
    public Task<bool> HasFilesAsync(string folderPath, CancellationToken ct) => files.HasFilesAsync(KeyOf(folderPath), ct);

    /// <summary>
    /// Copies a folder into registry/<paramref name="id"/> and returns its URI; complete when it returns. A copy that
    /// fails removes what it wrote; one that dies with the process is finished or redone by crash recovery.
    /// </summary>
    public async Task<string> CopyToRegistryAsync(string sourceFolderPath, string id, CancellationToken ct)
    {
        var source = ArtifactKey.Check(KeyOf(sourceFolderPath));
        if (!await files.HasFilesAsync(source, ct)) throw RegistryError.NotFound($"There are no artifacts at '{sourceFolderPath}' to register.");
        var target = StorageLayout.RegistryFolder(id);
        try
        {
            await files.CopyFolderAsync(source, target, ct);
            return RegistryUriPrefix + id;
        }
        catch
        {
            await files.DeleteFolderAsync(target, CancellationToken.None);
            throw;
        }
    }
}
