using System.Collections.Concurrent;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Security;

namespace RegistryPortal.Tracking;

/// <summary>
/// Registers a version from a source. A source inside the portal's artifact store (<c>runs:/…</c> or
/// <c>mlflow-artifacts:/…</c>) is copied into the registry's own location, so deleting the run's
/// artifacts later cannot break the version: PENDING_REGISTRATION while it copies, READY after,
/// FAILED_REGISTRATION with the reason when the copy fails. Other URIs are registered READY as they are.
/// </summary>
public sealed class ModelRegistration(VersionService versions, RunService runs, ArtifactStore artifacts, ILogger<ModelRegistration> logger)
{
    private readonly ConcurrentDictionary<Task, bool> copying = new();

    public async Task<VersionView> RegisterAsync(Actor actor, NewVersion request, CancellationToken ct = default)
    {
        // A version made from a run's folder records the run, so its page links back to it (the lineage).
        if (string.IsNullOrWhiteSpace(request.RunId) && RunIdOf(request.Source) is { } runId) request = request with { RunId = runId };
        var folder = await LocalFolderAsync(actor, request.Source, ct);
        if (folder is null) return await versions.RegisterAsync(actor, request, ct);
        if (folder.StartsWith("registry/", StringComparison.Ordinal))
            return await versions.RegisterAsync(actor, request with { StorageLocation = request.Source }, ct);

        var pending = await versions.RegisterAsync(actor, request with { Pending = true }, ct);
        var copy = Task.Run(() => CopyAsync(actor, pending.ModelName, pending.Version, folder));
        copying[copy] = true;
        _ = copy.ContinueWith(done => copying.TryRemove(done, out _), TaskScheduler.Default);
        return pending;
    }

    /// <summary>Completes when every copy started so far has finished (tests and shutdown wait on it).</summary>
    public Task WhenIdleAsync() => Task.WhenAll(copying.Keys);

    private async Task CopyAsync(Actor actor, string modelName, int number, string folder)
    {
        string? location = null;
        string? failure = null;
        try
        {
            location = await artifacts.CopyToRegistryAsync(folder, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or RegistryError)
        {
            failure = $"Copying the model files from '{folder}' failed: {e.Message}";
            logger.LogWarning(e, "Registration of version {Version} of {Model} failed.", number, modelName);
        }
        await versions.CompleteRegistrationAsync(actor, modelName, number, failure is null, failure, location);
    }

    /// <summary>The artifact-store folder a source names, or null when it lies outside the portal.</summary>
    private async Task<string?> LocalFolderAsync(Actor actor, string source, CancellationToken ct)
    {
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
