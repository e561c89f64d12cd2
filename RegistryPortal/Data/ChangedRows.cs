using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using RegistryPortal.Domain;

namespace RegistryPortal.Data;

/// <summary>The rows a save is about to add, change or delete, each with the id of the model it belongs to.</summary>
internal static class ChangedRows
{
    /// <summary>
    /// Every pending change, with its model's id: null for a row of no model (users, runs, settings, an admin's event),
    /// and for a version tag whose version is not tracked.
    /// </summary>
    public static List<(EntityEntry Entry, int? ModelId)> WithModels(RegistryDbContext db)
    {
        var entries = db.ChangeTracker.Entries().ToList();
        // A new version's id is a temporary value until it is saved, so its tags name it by the tracked value.
        var modelOfVersion = new Dictionary<object, int>();
        foreach (var entry in entries)
            if (entry.Entity is ModelVersion version) modelOfVersion.TryAdd(entry.Property(nameof(ModelVersion.Id)).CurrentValue!, version.ModelId);

        return entries
            .Where(entry => entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            .Select(entry => (entry, entry.Entity switch
            {
                RegisteredModel m => m.Id,
                ModelVersion v => v.ModelId,
                TransitionRequest r => r.ModelId,
                ModelAlias a => a.ModelId,
                ModelTag t => t.ModelId,
                ModelPermissionGrant g => g.ModelId,
                ActivityEvent e => e.ModelId,
                VersionTag => modelOfVersion.TryGetValue(entry.Property(nameof(VersionTag.VersionId)).CurrentValue!, out var id) ? id : (int?)null,
                _ => (int?)null,
            }))
            .ToList();
    }
}
