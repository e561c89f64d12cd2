using System.IO.Pipelines;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using RegistryPortal.Storage;

namespace RegistryPortal.Tracking;

/// <summary>The artifact store as users reach it: reading needs the Reader role, writing the Editor role.</summary>
public sealed class ArtifactService(RegistryStore store, ArtifactStore artifacts)
{
    public async Task<long> UploadAsync(Actor actor, string path, PipeReader content, long? declaredLength, CancellationToken ct)
    {
        await store.ReadAsync(actor, op => { TrackingRules.DemandLog(op); return Task.FromResult(true); }, ct);
        return await artifacts.SaveAsync(path, content, ct, declaredLength);
    }

    /// <summary>The file to stream (its key in <see cref="ArtifactStore.Files"/>), or null when there is none.</summary>
    public async Task<StoredFile?> FileAsync(Actor actor, string path, CancellationToken ct)
    {
        await store.ReadAsync(actor, op => { TrackingRules.DemandRead(op); return Task.FromResult(true); }, ct);
        return await artifacts.GetAsync(path, ct);
    }

    public async Task<IReadOnlyList<ArtifactEntry>> ListAsync(Actor actor, string folder, CancellationToken ct)
    {
        await store.ReadAsync(actor, op => { TrackingRules.DemandRead(op); return Task.FromResult(true); }, ct);
        return await artifacts.ListAsync(folder, ct);
    }

    /// <summary>Removes a file, or a folder with everything in it (MLflow's delete-artifact); nothing happens when there is none.</summary>
    public async Task DeleteAsync(Actor actor, string path, CancellationToken ct)
    {
        await store.ReadAsync(actor, op => { TrackingRules.DemandLog(op); return Task.FromResult(true); }, ct);
        await artifacts.DeleteAsync(path, ct);
    }
}
