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

    /// <summary>The file to stream, or null when there is none.</summary>
    public async Task<string?> FileAsync(Actor actor, string path, CancellationToken ct)
    {
        await store.ReadAsync(actor, op => { TrackingRules.DemandRead(op); return Task.FromResult(true); }, ct);
        return artifacts.FileOrNull(path);
    }

    public async Task<IReadOnlyList<ArtifactEntry>> ListAsync(Actor actor, string folder, CancellationToken ct)
    {
        await store.ReadAsync(actor, op => { TrackingRules.DemandRead(op); return Task.FromResult(true); }, ct);
        return artifacts.List(folder);
    }
}
