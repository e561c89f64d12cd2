namespace RegistryPortal.Storage;

/// <summary>
/// Files a stopped process left in the store (see <see cref="StorageLayout"/>): browser uploads never registered, and
/// the unfinished writes of uploads and copies. Nobody can see them, but they take space. A live upload or copy keeps
/// writing, so what nothing touched since a cutoff is left behind (<c>CrashRecovery</c> picks the cutoff).
/// </summary>
public sealed class LeftoverFiles(IArtifactStore store, ILogger<LeftoverFiles> logger)
{
    /// <summary>Browser uploads (uploads/&lt;user&gt;/&lt;upload&gt;) untouched since the cutoff: their page is gone, so they can never be registered.</summary>
    public async Task<int> RemoveStaleUploadsAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        var latest = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        await foreach (var file in store.ListAllAsync(StorageLayout.StagingFolderName, ct))
        {
            var parts = file.Key.Split('/');
            if (parts.Length < 4) continue; // not inside an upload's folder
            var upload = string.Join('/', parts[..3]);
            latest[upload] = latest.TryGetValue(upload, out var seen) && seen > file.LastModified ? seen : file.LastModified;
        }
        var removed = 0;
        foreach (var (upload, _) in latest.Where(u => u.Value < cutoff))
        {
            try
            {
                await store.DeleteFolderAsync(upload, ct);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning(e, "Could not remove the upload {Upload} left by a stopped portal.", upload);
            }
        }
        return removed;
    }

    /// <summary>Temporary files (and on object storage, uncommitted blocks or parts) of writes and copies untouched since the cutoff.</summary>
    public Task<int> RemoveUnfinishedWritesAsync(DateTimeOffset cutoff, CancellationToken ct) => store.RemoveUnfinishedWritesAsync(cutoff, ct);
}
