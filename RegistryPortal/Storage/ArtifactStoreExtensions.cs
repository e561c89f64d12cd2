using System.IO.Pipelines;

namespace RegistryPortal.Storage;

public static class ArtifactStoreExtensions
{
    /// <summary>Streams <paramref name="content"/> (which stays open for its owner) into <paramref name="key"/>; see <see cref="IArtifactStore.WriteAsync"/>.</summary>
    public static async Task<long> WriteAsync(this IArtifactStore store, string key, Stream content, CancellationToken ct, long? declaredLength = null)
    {
        var reader = PipeReader.Create(content, new StreamPipeReaderOptions(bufferSize: 1 << 16, leaveOpen: true));
        try { return await store.WriteAsync(key, reader, declaredLength, ct); }
        finally { await reader.CompleteAsync(); }
    }

    /// <summary>Whether any file lies under <paramref name="folder"/>.</summary>
    public static async Task<bool> HasFilesAsync(this IArtifactStore store, string folder, CancellationToken ct)
    {
        await foreach (var _ in store.ListAllAsync(folder, ct)) return true;
        return false;
    }

    /// <summary>The latest write to any file under <paramref name="folder"/>, or null when it holds none.</summary>
    public static async Task<DateTimeOffset?> LastModifiedUnderAsync(this IArtifactStore store, string folder, CancellationToken ct)
    {
        DateTimeOffset? latest = null;
        await foreach (var file in store.ListAllAsync(folder, ct))
            if (latest is null || file.LastModified > latest) latest = file.LastModified;
        return latest;
    }
}
