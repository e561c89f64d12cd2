using Microsoft.EntityFrameworkCore;
using RegistryPortal.Data;
using RegistryPortal.Storage;

namespace RegistryPortal.Registry;

/// <summary>
/// The registry's own copies of versions' files (registry/&lt;id&gt; in the store) and when they go: only after the
/// database change that dropped their last version has committed, so a delete that fails or is rolled back never
/// loses a version's files. A copy can serve several versions (one registered from another's source), so it goes
/// only when no version refers to it any more. A file delete that fails is logged, and the orphan is removed by the
/// next crash recovery (<see cref="RemoveOrphansAsync"/>).
/// </summary>
public sealed class RegistryCopies(IDbContextFactory<RegistryDbContext> factory, IArtifactStore store, ILogger<RegistryCopies> logger)
{
    /// <summary>Removes the copies <paramref name="locations"/> name that no version refers to any more; call after the commit.</summary>
    public async Task RemoveUnreferencedAsync(IEnumerable<string?> locations)
    {
        foreach (var id in locations.Select(ArtifactStore.RegistryIdOf).OfType<string>().Distinct())
        {
            try
            {
                if (await IsReferencedAsync(id)) continue;
                await store.DeleteFolderAsync(StorageLayout.RegistryFolder(id), CancellationToken.None);
            }
            catch (Exception e)
            {
                // The database change stands; the files only take space until recovery removes them.
                logger.LogWarning(e, "Could not remove the registry's copy {Id} after its version was deleted; the next start removes it.", id);
            }
        }
    }

    /// <summary>
    /// Removes the copies under registry/ that no version refers to and nothing wrote since <paramref name="cutoff"/>
    /// (a registration still writing its copy, or about to commit the version that names it, is left alone); returns how many.
    /// </summary>
    public async Task<int> RemoveOrphansAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        var referenced = await ReferencedIdsAsync(ct);
        // One listing of registry/ (paged on object storage), not one per copy: the latest write under each unreferenced copy.
        var latest = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        await foreach (var file in store.ListAllAsync(StorageLayout.RegistryFolderName, ct))
        {
            var parts = file.Key.Split('/');
            if (parts.Length < 3 || referenced.Contains(parts[1])) continue;
            latest[parts[1]] = latest.TryGetValue(parts[1], out var seen) && seen > file.LastModified ? seen : file.LastModified;
        }
        var removed = 0;
        foreach (var (id, _) in latest.Where(copy => copy.Value < cutoff))
        {
            // Read again: a version naming it may have committed since the first read.
            if (await IsReferencedAsync(id, ct)) continue;
            await store.DeleteFolderAsync(StorageLayout.RegistryFolder(id), ct);
            logger.LogWarning("Removed the registry's copy {Id}: no version refers to it.", id);
            removed++;
        }
        return removed;
    }

    private async Task<HashSet<string>> ReferencedIdsAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var locations = await db.Versions.AsNoTracking()
            .Where(v => v.StorageLocation.StartsWith(ArtifactStore.RegistryUriPrefix) || v.Source.StartsWith(ArtifactStore.RegistryUriPrefix))
            .Select(v => new { v.StorageLocation, v.Source }).ToListAsync(ct);
        return locations.SelectMany(l => new[] { ArtifactStore.RegistryIdOf(l.StorageLocation), ArtifactStore.RegistryIdOf(l.Source) })
            .OfType<string>().ToHashSet(StringComparer.Ordinal);
    }

    private async Task<bool> IsReferencedAsync(string id, CancellationToken ct = default)
    {
        var folder = ArtifactStore.RegistryUriPrefix + id;
        var inside = folder + "/";
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Versions.AnyAsync(v => v.StorageLocation == folder || v.StorageLocation.StartsWith(inside)
                                               || v.Source == folder || v.Source.StartsWith(inside), ct);
    }
}
