using RegistryPortal.Storage;
using RegistryPortal.Storage.FileSystem;

namespace RegistryPortal.Api;

/// <summary>A download of one stored file, with HTTP ranges, whatever store holds it.</summary>
public static class StoredFileResult
{
    /// <summary>
    /// The file at <paramref name="key"/>, or null when there is none. A file on this machine's disk is sent straight
    /// from it (<see cref="DirectFileBody"/>: the fastest path); any other store's file streams from its seekable read.
    /// </summary>
    public static async Task<IResult?> FileAsync(HttpContext http, IArtifactStore store, string key)
    {
        var name = key[(key.LastIndexOf('/') + 1)..];
        if (store is FileSystemArtifactStore local)
        {
            if (local.LocalFile(key) is not { } path) return null;
            DirectFileBody.Use(http);
            return Results.File(path, "application/octet-stream", name, enableRangeProcessing: true);
        }
        var stream = await store.OpenReadAsync(key, http.RequestAborted);
        return stream is null ? null : Results.Stream(stream, "application/octet-stream", name, enableRangeProcessing: true);
    }
}
