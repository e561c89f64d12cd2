using Microsoft.EntityFrameworkCore;
using RegistryPortal.Data;
using RegistryPortal.Domain;
using RegistryPortal.Security;
using RegistryPortal.Storage;
using RegistryPortal.Tracking;

namespace RegistryPortal.Registry;

/// <summary>What one recovery pass cleaned up and finished.</summary>
public sealed record RecoveryReport(int UploadsRemoved, int PartialsRemoved, int CopiesCompleted, int CopiesResumed, int CopiesFailed, int LeftRunning,
    int OrphansRemoved = 0)
{
    public bool DidAnything => UploadsRemoved + PartialsRemoved + CopiesCompleted + CopiesResumed + CopiesFailed + OrphansRemoved > 0;

    public override string ToString() =>
        $"removed {UploadsRemoved} unfinished browser upload(s) and {PartialsRemoved} unfinished write(s); " +
        $"of the registrations left pending, {CopiesCompleted} completed, {CopiesResumed} resumed, {CopiesFailed} failed, {LeftRunning} left to the instance copying them; " +
        $"removed {OrphansRemoved} registry cop(ies) no version refers to";
}

/// <summary>
/// Finishes what a stopped process (kill -9, a crash) left half-done. (A power cut is another matter: files are renamed
/// into place without an fsync, so the operating system may not have written them yet.) Everything the portal writes is either one
/// database transaction (a transition, a registration's row) or files that are invisible until complete, so a crash
/// leaves only: unfinished writes and browser uploads never registered, which nobody can see but which take space;
/// versions PENDING_REGISTRATION whose background copy died with the process; and copies under registry/ no version
/// refers to (an upload moved there just before its version's commit was lost, or a deleted version's files whose
/// delete failed). Work counts as left behind when nothing touched it since <c>cutoff</c> (see
/// <see cref="CrashRecoveryService"/> for how that is chosen): a live copy or upload keeps writing files, so the
/// latest write under it stays after it. This holds on every store: object stores have no temporary folders.
/// MLflow 3 logged models still PENDING are left alone: their client uploads the files and then finalizes the model, so
/// a crash only fails an upload the client retries (or the model stays PENDING, as on MLflow's own server).
/// </summary>
public sealed class CrashRecovery(IDbContextFactory<RegistryDbContext> factory, RegistryStore store, VersionService versions,
    IArtifactStore files, LeftoverFiles leftovers, RegistryCopies copies, ModelRegistration registration, ILogger<CrashRecovery> logger)
{
    /// <summary>A pending version as a recovery pass read it.</summary>
    internal sealed record PendingCopy(int Id, string ModelName, int Number, string CreatedById, string Source, string StorageLocation, DateTime UpdatedAt);

    public async Task<RecoveryReport> RecoverAsync(DateTime cutoff, CancellationToken ct = default)
    {
        var since = new DateTimeOffset(DateTime.SpecifyKind(cutoff, DateTimeKind.Utc));
        var uploads = await leftovers.RemoveStaleUploadsAsync(since, ct);
        var partials = await leftovers.RemoveUnfinishedWritesAsync(since, ct);
        int completed = 0, resumed = 0, failed = 0, running = 0;
        foreach (var pending in await StalePendingAsync(cutoff, ct))
        {
            switch (await RecoverAsync(pending, cutoff, ct))
            {
                case Outcome.Completed: completed++; break;
                case Outcome.Resumed: resumed++; break;
                case Outcome.Failed: failed++; break;
                case Outcome.Running: running++; break;
            }
        }
        var orphans = await copies.RemoveOrphansAsync(since, ct);
        return new RecoveryReport(uploads, partials, completed, resumed, failed, running, orphans);
    }

    internal enum Outcome { Completed, Resumed, Failed, Running }

    /// <summary>
    /// Finishes, copies again or fails one pending version read by <see cref="StalePendingAsync"/>. Its planned folder
    /// holding every file of the source (same keys and sizes) is a finished copy whose READY was lost; one written to
    /// since <paramref name="cutoff"/> is a copy still running; anything else died half-way and is copied again.
    /// </summary>
    internal async Task<Outcome> RecoverAsync(PendingCopy pending, DateTime cutoff, CancellationToken ct = default)
    {
        var creator = new Actor(pending.CreatedById);
        var planned = ArtifactStore.RegistryIdOf(pending.StorageLocation);
        var target = planned is null ? null : StorageLayout.RegistryFolder(planned);
        if (target is not null && await files.LastModifiedUnderAsync(target, ct) is { } latest)
        {
            var source = await registration.SourceFolderAsync(pending.CreatedById, pending.Source);
            if (source is not null && await SameFilesAsync(source, target, ct))
            {
                try
                {
                    await versions.FinishCopyAsync(creator, pending.Id, true, storageLocation: pending.StorageLocation, ct: ct);
                    logger.LogWarning("Version {Version} of {Model}: its copy had finished before the portal stopped; now READY.", pending.Number, pending.ModelName);
                    return Outcome.Completed;
                }
                catch (RegistryError e)
                {
                    logger.LogInformation("Version {Version} of {Model} was finished meanwhile: {Reason}", pending.Number, pending.ModelName, e.Message);
                    return Outcome.Running;
                }
            }
            if (latest >= new DateTimeOffset(DateTime.SpecifyKind(cutoff, DateTimeKind.Utc))) return Outcome.Running;
        }

        // A fresh folder, so a copy thought dead that wakes up again never writes into the one resumed here.
        var id = ArtifactStore.NewRegistryId();
        if (!await ClaimAsync(pending, id, ct)) return Outcome.Running;
        if (target is not null) await files.DeleteFolderAsync(target, ct); // the half copy; claimed, so no one else finishes it
        var resumed = await registration.ResumeAsync(pending.Id, pending.CreatedById, pending.Source, id);
        logger.LogWarning(resumed
            ? "Version {Version} of {Model} was left PENDING_REGISTRATION by a stopped portal: copying its files again."
            : "Version {Version} of {Model} was left PENDING_REGISTRATION by a stopped portal and its source is gone: FAILED_REGISTRATION.",
            pending.Number, pending.ModelName);
        return resumed ? Outcome.Resumed : Outcome.Failed;
    }

    /// <summary>Whether <paramref name="target"/> holds every file of <paramref name="source"/> at the same relative key with the same size.</summary>
    private async Task<bool> SameFilesAsync(string source, string target, CancellationToken ct)
    {
        var copied = new Dictionary<string, long>(StringComparer.Ordinal);
        await foreach (var file in files.ListAllAsync(target, ct)) copied[ArtifactKey.RelativeTo(target, file.Key)] = file.Size;
        var count = 0;
        await foreach (var file in files.ListAllAsync(source, ct))
        {
            count++;
            if (!copied.TryGetValue(ArtifactKey.RelativeTo(source, file.Key), out var size) || size != file.Size) return false;
        }
        return count > 0;
    }

    /// <summary>Pending registrations nobody has written to since <paramref name="cutoff"/>.</summary>
    internal async Task<List<PendingCopy>> StalePendingAsync(DateTime cutoff, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Versions.AsNoTracking()
            .Where(v => v.Status == VersionStatus.PendingRegistration && v.UpdatedAt < cutoff)
            .OrderBy(v => v.Id)
            .Select(v => new PendingCopy(v.Id, v.Model!.Name, v.Number, v.CreatedById, v.Source, v.StorageLocation, v.UpdatedAt))
            .ToListAsync(ct);
    }

    /// <summary>
    /// Takes over a pending registration, under the database's write lock: only when no one has written it since it was
    /// read. Its new time and folder tell every other instance's recovery that it is being copied again.
    /// </summary>
    private Task<bool> ClaimAsync(PendingCopy pending, string id, CancellationToken ct) =>
        store.WriteAsync(new Actor(pending.CreatedById), async op =>
        {
            var version = await op.Db.Versions.FirstOrDefaultAsync(v => v.Id == pending.Id, op.Ct);
            if (version is not { Status: VersionStatus.PendingRegistration } || version.UpdatedAt != pending.UpdatedAt) return false;
            version.StorageLocation = ArtifactStore.RegistryUriPrefix + id;
            version.UpdatedAt = op.Now;
            return true;
        }, ct);
}
