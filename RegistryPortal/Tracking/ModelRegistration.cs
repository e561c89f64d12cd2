using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using RegistryPortal.Storage;

namespace RegistryPortal.Tracking;

/// <summary>
/// Registers a version from a source. A source inside the portal's artifact store (<c>runs:/…</c>,
/// <c>models:/m-…</c> (an MLflow 3 logged model) or <c>mlflow-artifacts:/…</c>) is copied into the registry's own
/// location, so deleting the run's artifacts later cannot break the version: PENDING_REGISTRATION while it copies,
/// READY after, FAILED_REGISTRATION with the reason when the copy fails. The answer waits for the copy up to
/// Registry:RegistrationWaitSeconds (MLflow's own server answers READY), so a small model answers READY at once and
/// a large one PENDING_REGISTRATION, finishing in the background. Other URIs are registered READY as they are.
/// </summary>
public sealed class ModelRegistration(VersionService versions, RunService runs, LoggedModelService loggedModels, ArtifactStore artifacts,
    IOptions<RegistryOptions> settings, ILogger<ModelRegistration> logger)
{
    private readonly ConcurrentDictionary<Task, bool> copying = new();

    private readonly TimeSpan wait = TimeSpan.FromSeconds(settings.Value.RegistrationWaitSeconds);

    public async Task<VersionView> RegisterAsync(Actor actor, NewVersion request, CancellationToken ct = default)
    {
        (request, var loggedModel) = await WithLoggedModelAsync(actor, request, ct);
        // A version made from a run's folder records the run, so its page links back to it (the lineage).
        if (string.IsNullOrWhiteSpace(request.RunId) && RunIdOf(request.Source) is { } runId) request = request with { RunId = runId };
        var folder = await LocalFolderAsync(actor, request.Source, loggedModel, ct);
        if (folder is null) return await versions.RegisterAsync(actor, request, ct);
        if (folder.StartsWith("registry/", StringComparison.Ordinal))
            return await versions.RegisterAsync(actor, request with { StorageLocation = request.Source }, ct);

        // The pending version names the folder its copy goes to: after a crash, recovery finds a finished copy by it.
        var id = ArtifactStore.NewRegistryId();
        var pending = await versions.RegisterAsync(actor, request with { Pending = true, StorageLocation = ArtifactStore.RegistryUriPrefix + id }, ct);
        var copy = StartCopy(folder, id, (succeeded, message, location) =>
            versions.FinishCopyAsync(actor, pending.ModelName, pending.Version, succeeded, message, location));
        // The copy goes on when the caller stops waiting (or goes away): the version must not stay half-registered.
        // No wait means the pending answer, even when a tiny copy happens to be done already.
        if (wait == TimeSpan.Zero) return pending;
        var finished = await Task.WhenAny(copy, Task.Delay(wait, ct).ContinueWith(_ => { }, TaskScheduler.Default)) == copy;
        return finished ? await copy : pending;
    }

    /// <summary>
    /// A <c>models:/m-…</c> source or a <c>model_id</c> names an MLflow 3 logged model: the version keeps its id and, when
    /// no run is given, its source run. Only a READY model registers: a PENDING one is still uploading its files.
    /// </summary>
    /// <returns>The request with the link, and the logged model (null when none is named).</returns>
    private async Task<(NewVersion, LoggedModel?)> WithLoggedModelAsync(Actor actor, NewVersion request, CancellationToken ct)
    {
        var fromSource = LoggedModelIdOf(request.Source);
        var id = request.LoggedModelId is { Length: > 0 } given ? given.Trim() : fromSource;
        if (id is null) return (request, null);
        if (fromSource is not null && fromSource != id)
            throw RegistryError.InvalidValue($"The source names logged model {fromSource} but model_id is {id}: give the same model in both, or leave model_id out.");
        var model = (await loggedModels.GetAsync(actor, id, ct: ct)).Info;
        if (model.Status != LoggedModelStatuses.Ready)
            throw RegistryError.InvalidValue(model.Status == LoggedModelStatuses.Pending
                ? $"Logged model {id} is still {LoggedModelStatuses.Pending}: its files are uploading. Finalize it as {LoggedModelStatuses.Ready} first, then register it."
                : $"Logged model {id} is {model.Status}: its files did not all arrive, so it cannot be registered. Log the model again.");
        return (request with
        {
            LoggedModelId = model.Id,
            RunId = string.IsNullOrWhiteSpace(request.RunId) && model.SourceRunId.Length > 0 ? model.SourceRunId : request.RunId,
        }, model);
    }

    /// <summary>The id of a <c>models:/m-&lt;id&gt;</c> source (a logged model, not a registered <c>models:/name/3</c>), or null.</summary>
    internal static string? LoggedModelIdOf(string? source)
    {
        if (source is null || !source.StartsWith("models:/m-", StringComparison.Ordinal)) return null;
        var id = source["models:/".Length..].TrimEnd('/');
        return id.Contains('/') ? null : id;
    }

    /// <summary>Completes when every copy started so far has finished (tests and shutdown wait on it).</summary>
    public Task WhenIdleAsync() => Task.WhenAll(copying.Keys);

    /// <summary>
    /// Copies a pending version's files again after the portal stopped during its copy (see <see cref="Registry.CrashRecovery"/>),
    /// into the fresh folder <paramref name="id"/>; a source that no longer has its files fails the version with a message
    /// saying so. Returns at once; the copy goes on in the background (<see cref="WhenIdleAsync"/> waits for it).
    /// </summary>
    /// <returns>Whether the copy started (false: the version is now FAILED_REGISTRATION).</returns>
    internal async Task<bool> ResumeAsync(int versionId, string createdById, string source, string id)
    {
        var creator = new Actor(createdById);
        var folder = await SourceFolderAsync(createdById, source);
        if (folder is null || !await HasFilesAsync(folder))
        {
            await versions.FinishCopyAsync(creator, versionId, false,
                $"The portal stopped while copying this version's files, and they are no longer at '{source}' to copy again. Register the version again from a source that has them.");
            return false;
        }
        _ = StartCopy(folder, id, (succeeded, message, location) => versions.FinishCopyAsync(creator, versionId, succeeded, message, location));
        return true;
    }

    /// <summary>The store folder a pending version's source names, as its creator reads it; null when it is gone or outside the portal.</summary>
    internal async Task<string?> SourceFolderAsync(string createdById, string source)
    {
        var creator = new Actor(createdById);
        try
        {
            var loggedModel = LoggedModelIdOf(source) is { } modelId ? (await loggedModels.GetAsync(creator, modelId)).Info : null;
            var folder = await LocalFolderAsync(creator, source, loggedModel, CancellationToken.None);
            return folder is null ? null : ArtifactStore.KeyOf(folder);
        }
        catch (RegistryError)
        {
            return null; // the run or logged model is gone, or its creator may no longer read it, or the path is refused
        }
    }

    /// <summary>Starts copying <paramref name="folder"/> into registry/<paramref name="id"/> in the background, then <paramref name="finish"/>es the version.</summary>
    private Task<VersionView> StartCopy(string folder, string id, Func<bool, string?, string?, Task<VersionView>> finish)
    {
        var copy = Task.Run(() => CopyAsync(folder, id, finish));
        copying[copy] = true;
        _ = copy.ContinueWith(done => copying.TryRemove(done, out _), TaskScheduler.Default);
        return copy;
    }

    /// <returns>The version as its completion left it: READY, or FAILED_REGISTRATION with the reason.</returns>
    private async Task<VersionView> CopyAsync(string folder, string id, Func<bool, string?, string?, Task<VersionView>> finish)
    {
        string? location = null;
        string? failure = null;
        try
        {
            location = await artifacts.CopyToRegistryAsync(folder, id, CancellationToken.None);
        }
        catch (Exception e)
        {
            // Any failure (a disk, a refused key, an object store's error) fails the version: it must not stay pending.
            failure = $"Copying the model files from '{folder}' failed: {e.Message}";
            logger.LogWarning(e, "Copying {Folder} into the registry failed.", folder);
        }
        try
        {
            return await finish(failure is null, failure, location);
        }
        catch
        {
            // The version was deleted, or finished by another instance's recovery: this copy belongs to nothing.
            if (location is not null) await artifacts.Files.DeleteFolderAsync(StorageLayout.RegistryFolder(id), CancellationToken.None);
            throw;
        }
    }

    private async Task<bool> HasFilesAsync(string folder)
    {
        try { return await artifacts.HasFilesAsync(folder, CancellationToken.None); }
        catch (RegistryError) { return false; } // a path the store refuses holds nothing to copy
    }

    /// <summary>The artifact-store folder a source names, or null when it lies outside the portal.</summary>
    /// <param name="loggedModel">The logged model a <c>models:/m-…</c> source names, already read.</param>
    private async Task<string?> LocalFolderAsync(Actor actor, string source, LoggedModel? loggedModel, CancellationToken ct)
    {
        if (LoggedModelIdOf(source) is not null) return loggedModel is null ? null : ArtifactStore.PathOf(loggedModel.ArtifactUri)?.TrimEnd('/');
        if (ArtifactStore.PathOf(source) is { } path) return path.TrimEnd('/');
        if (!source.StartsWith("runs:/", StringComparison.Ordinal)) return null;
        // runs:/<run id>/<path inside the run's artifacts>
        var rest = source["runs:/".Length..].Trim('/');
        var slash = rest.IndexOf('/');
        var (runId, inner) = slash < 0 ? (rest, "") : (rest[..slash], rest[(slash + 1)..]);
        var run = await runs.GetAsync(actor, runId, ct);
        var runRoot = ArtifactStore.PathOf(run.Info.ArtifactUri)
            ?? throw RegistryError.InvalidValue($"Run {runId} keeps its artifacts outside the portal ({run.Info.ArtifactUri}); register that URI instead.");
        return inner.Length == 0 ? runRoot : $"{runRoot.TrimEnd('/')}/{inner}";
    }

    /// <summary>The run id of a <c>runs:/&lt;run id&gt;/&lt;path&gt;</c> source, or null for any other.</summary>
    private static string? RunIdOf(string? source)
    {
        if (source is null || !source.StartsWith("runs:/", StringComparison.Ordinal)) return null;
        var rest = source["runs:/".Length..].Trim('/');
        var slash = rest.IndexOf('/');
        var runId = slash < 0 ? rest : rest[..slash];
        return runId.Length == 0 ? null : runId;
    }
}
