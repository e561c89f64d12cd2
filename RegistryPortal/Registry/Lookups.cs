using Microsoft.EntityFrameworkCore;
using RegistryPortal.Data;
using RegistryPortal.Domain;

namespace RegistryPortal.Registry;

/// <summary>Finds models and versions by what users call them, with the not-found messages they see.</summary>
internal static class Lookups
{
    public static RegistryError ModelNotFound(string name) =>
        new(ErrorKind.NotFound, $"Registered model '{name}' does not exist. Check the name on the Models page.")
        {
            Subject = new ErrorSubject(name),
        };

    public static async Task<RegisteredModel> ModelAsync(this RegistryDbContext db, string? name, CancellationToken ct)
    {
        var normalized = NormalizedName(name);
        return await (Tracks(db) ? TrackedModel(db, normalized, ct) : UntrackedModel(db, normalized, ct))
            ?? throw ModelNotFound(name!);
    }

    /// <summary>The model a write of one model changes, found by name and locked: see <see cref="RegistryDbContext.LockModelByNameAsync"/>.</summary>
    public static async Task<RegisteredModel> LockedModelAsync(this RegistryDbContext db, string? name, CancellationToken ct) =>
        await db.LockModelByNameAsync(NormalizedName(name), ct) ?? throw ModelNotFound(name!);

    private static string NormalizedName(string? name) =>
        string.IsNullOrEmpty(name) ? throw RegistryError.InvalidValue("A model name is required.") : ModelName.Normalize(name);

    public static async Task<ModelVersion> VersionAsync(this RegistryDbContext db, RegisteredModel model, int number, CancellationToken ct) =>
        await (Tracks(db) ? TrackedVersion(db, model.Id, number, ct) : UntrackedVersion(db, model.Id, number, ct))
        ?? throw new RegistryError(ErrorKind.NotFound,
            $"Version {number} of '{model.Name}' does not exist. The model's page lists its versions.")
        {
            Subject = new ErrorSubject(model.Name, number),
        };

    // Every get finds its model, and most its version, by these: compiled once instead of translated on each call.
    // A compiled query keeps the tracking it was compiled with, so writes (tracking) and reads (not) have one each.
    private static bool Tracks(RegistryDbContext db) => db.ChangeTracker.QueryTrackingBehavior == QueryTrackingBehavior.TrackAll;

    internal static readonly Func<RegistryDbContext, string, CancellationToken, Task<RegisteredModel?>> TrackedModel =
        CompiledQueries.PerContextKind(() => EF.CompileAsyncQuery((RegistryDbContext db, string normalized, CancellationToken ct) =>
            db.Models.AsTracking().FirstOrDefault(m => m.NormalizedName == normalized)));

    private static readonly Func<RegistryDbContext, string, CancellationToken, Task<RegisteredModel?>> UntrackedModel =
        CompiledQueries.PerContextKind(() => EF.CompileAsyncQuery((RegistryDbContext db, string normalized, CancellationToken ct) =>
            db.Models.AsNoTracking().FirstOrDefault(m => m.NormalizedName == normalized)));

    private static readonly Func<RegistryDbContext, int, int, CancellationToken, Task<ModelVersion?>> TrackedVersion =
        CompiledQueries.PerContextKind(() => EF.CompileAsyncQuery((RegistryDbContext db, int modelId, int number, CancellationToken ct) =>
            db.Versions.AsTracking().FirstOrDefault(v => v.ModelId == modelId && v.Number == number)));

    private static readonly Func<RegistryDbContext, int, int, CancellationToken, Task<ModelVersion?>> UntrackedVersion =
        CompiledQueries.PerContextKind(() => EF.CompileAsyncQuery((RegistryDbContext db, int modelId, int number, CancellationToken ct) =>
            db.Versions.AsNoTracking().FirstOrDefault(v => v.ModelId == modelId && v.Number == number)));

    /// <summary>Display names for user ids; a removed account shows as "deleted user".</summary>
    public static async Task<Func<string?, string>> UserNamesAsync(this RegistryDbContext db, IEnumerable<string?> ids, CancellationToken ct)
    {
        var wanted = ids.OfType<string>().Distinct().ToList();
        var names = new Dictionary<string, string>();
        // The caller's name came with their roles: an answer that names only them (most writes') needs no query.
        if (db.Caller is var (callerId, callerName) && wanted.Remove(callerId)) names[callerId] = callerName;
        if (wanted.Count > 0)
            foreach (var u in await NamesOf(db, wanted).ToListAsync(ct)) names[u.Id] = ShownName(u.Id, u.DisplayName, u.UserName);
        return id => id is null ? "" : names.GetValueOrDefault(id, "deleted user");
    }

    /// <summary>How answers name a user: their display name, else their user name.</summary>
    public static string ShownName(string id, string? displayName, string? userName) =>
        string.IsNullOrWhiteSpace(displayName) ? userName ?? id : displayName;

    private sealed record NamedUser(string Id, string? DisplayName, string? UserName);

    // Nearly every answer names users: compiled once.
    private static readonly Func<RegistryDbContext, List<string>, IAsyncEnumerable<NamedUser>> NamesOf =
        CompiledQueries.PerContextKind(() => EF.CompileAsyncQuery((RegistryDbContext db, List<string> ids) =>
            db.Users.Where(u => ids.Contains(u.Id)).Select(u => new NamedUser(u.Id, u.DisplayName, u.UserName))));
}
