using System.IO.Pipelines;

namespace RegistryPortal.Storage;

/// <summary>One stored file: its key (a '/'-separated path relative to the store's root), size and last write.</summary>
public sealed record StoredFile(string Key, long Size, DateTimeOffset LastModified);

/// <summary>
/// Where every file of the portal lives (run artifacts, logged models, the registry's copies, browser uploads being
/// staged), whatever holds them: a folder (<c>FileSystem</c>), an Azure Blob container (<c>AzureBlob</c>) or an S3
/// bucket (<c>S3</c>), chosen by Artifacts:Store. Keys are '/'-separated paths relative to the store's root (for object
/// storage: its configured prefix); every method refuses a key that is empty, absolute, or has '.', '..', '\' or NUL
/// segments with <see cref="Domain.RegistryError"/> InvalidValue (<see cref="ArtifactKey.Check"/>), so nothing escapes the root.
/// A folder is only the common prefix of the keys under it ("a/b" is a folder when "a/b/c" exists); "a/b" never
/// matches "a/bc".
/// </summary>
public interface IArtifactStore
{
    /// <summary>"FileSystem", "AzureBlob" or "S3": the Artifacts:Store value that chose this store.</summary>
    string Kind { get; }

    /// <summary>
    /// Streams <paramref name="content"/> into <paramref name="key"/> (never whole in memory), replacing any file there.
    /// Nothing is visible under the key until all of it is in: a broken or cancelled stream, or one that grows past
    /// the size limit (Artifacts:MaxFileSizeMB), leaves no file and the old one, if any, untouched.
    /// <paramref name="declaredLength"/>, when given, is a length the sender is held to (an HTTP Content-Length): one
    /// over the limit is refused before a byte is read. Returns the bytes written.
    /// </summary>
    Task<long> WriteAsync(string key, PipeReader content, long? declaredLength, CancellationToken ct);

    /// <summary>The file at <paramref name="key"/>, or null when there is none (a folder is not a file).</summary>
    Task<StoredFile?> GetAsync(string key, CancellationToken ct);

    /// <summary>
    /// A read-only, seekable stream over the file at <paramref name="key"/> whose Length is the file's size, or null when
    /// there is none. Reading after a Seek fetches only from there on (HTTP range requests are served by seeking).
    /// </summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken ct);

    /// <summary>
    /// The files and folders directly inside <paramref name="folder"/> ("" is the root), ordered by path (ordinal);
    /// entry paths are keys, folders have no size. A missing folder lists as empty.
    /// </summary>
    Task<IReadOnlyList<ArtifactEntry>> ListAsync(string folder, CancellationToken ct);

    /// <summary>Every file under <paramref name="folder"/> ("" is the root) at any depth, ordered by key (ordinal).</summary>
    IAsyncEnumerable<StoredFile> ListAllAsync(string folder, CancellationToken ct);

    /// <summary>
    /// Copies every file under <paramref name="source"/> to the same relative keys under <paramref name="target"/>
    /// inside the store: object stores copy server-side, no byte passes through the portal. Complete when it returns;
    /// one that fails or is cancelled may leave part of the target, which the caller removes.
    /// </summary>
    Task CopyFolderAsync(string source, string target, CancellationToken ct);

    /// <summary>
    /// Moves every file under <paramref name="source"/> to <paramref name="target"/> (a folder that must not exist yet):
    /// one rename on a file system, copy then delete on object stores.
    /// </summary>
    Task MoveFolderAsync(string source, string target, CancellationToken ct);

    /// <summary>Removes the file at <paramref name="key"/>; nothing happens when there is none.</summary>
    Task DeleteAsync(string key, CancellationToken ct);

    /// <summary>Removes every file under <paramref name="folder"/>; nothing happens when there is none.</summary>
    Task DeleteFolderAsync(string folder, CancellationToken ct);

    /// <summary>
    /// Removes what writes stopped midway left behind and nobody can see (temporary files, uncommitted blocks,
    /// incomplete multipart uploads) untouched since <paramref name="cutoff"/>; returns how many were removed.
    /// </summary>
    Task<int> RemoveUnfinishedWritesAsync(DateTimeOffset cutoff, CancellationToken ct);

    /// <summary>Whether the store can be reached and used (the folder, container or bucket is there); throws with a message saying what to fix when not.</summary>
    Task CheckAsync(CancellationToken ct);
}
