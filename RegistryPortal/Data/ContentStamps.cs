using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;

namespace RegistryPortal.Data;

/// <summary>
/// Renews, in the save that changes them, the <see cref="RegisteredModel.ContentStamp"/> of the models whose view the save
/// changes: their own row, a version, a tag of either, an alias. Readers on every instance compare it with the stamp
/// their cached view was built under (<see cref="Registry.ModelViewCache"/>).
/// </summary>
internal static class ContentStamps
{
    public static async Task RenewAsync(RegistryDbContext db, CancellationToken ct)
    {
        var stamp = Guid.NewGuid();
        if (RenewTracked(db, stamp) is { } untracked) await untracked.ExecuteUpdateAsync(set => set.SetProperty(m => m.ContentStamp, stamp), ct);
    }

    public static void Renew(RegistryDbContext db)
    {
        var stamp = Guid.NewGuid();
        if (RenewTracked(db, stamp) is { } untracked) untracked.ExecuteUpdate(set => set.SetProperty(m => m.ContentStamp, stamp));
    }

    /// <summary>
    /// Gives the changed models that are tracked the save's <paramref name="stamp"/> (their row is saved anyway, or is one
    /// more UPDATE in the same batch). Returns the changed models that are not tracked, to stamp with one UPDATE, or null
    /// when there are none. One stamp serves every model of a save: a cached view is looked up by its model's id.
    /// </summary>
    private static IQueryable<RegisteredModel>? RenewTracked(RegistryDbContext db, Guid stamp)
    {
        var changed = new HashSet<int>();
        var versionsOfUntrackedModels = new List<int>();
        foreach (var (entry, modelId) in ChangedRows.WithModels(db))
        {
            switch (entry.Entity)
            {
                case RegisteredModel or ModelVersion or ModelAlias or ModelTag or VersionTag when modelId is { } id: changed.Add(id); break;
                case VersionTag t: versionsOfUntrackedModels.Add(t.VersionId); break;
            }
        }
        var untracked = new HashSet<int>(changed);
        foreach (var entry in db.ChangeTracker.Entries<RegisteredModel>())
        {
            var model = entry.Entity;
            if (!changed.Contains(model.Id)) continue;
            untracked.Remove(model.Id);
            if (entry.State != EntityState.Deleted) model.ContentStamp = stamp;
        }
        if (untracked.Count == 0 && versionsOfUntrackedModels.Count == 0) return null;
        var ids = untracked.ToList();
        return db.Models.Where(m => ids.Contains(m.Id)
            || db.Versions.Where(v => versionsOfUntrackedModels.Contains(v.Id)).Select(v => v.ModelId).Contains(m.Id));
    }
}
