using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.Extensions.Options;
using RegistryPortal.Data;
using RegistryPortal.Domain;
using RegistryPortal.Security;

namespace RegistryPortal.Registry;

public sealed record NewVersion(
    string ModelName, string Source, string? RunId = null, string? RunLink = null, string? Description = null,
    IReadOnlyDictionary<string, string>? Tags = null,
    /// <summary>True while the files are still being copied: the version starts PENDING_REGISTRATION.</summary>
    bool Pending = false,
    /// <summary>Where the registry keeps the files, when it already has them (an upload).</summary>
    string? StorageLocation = null,
    /// <summary>The MLflow 3 logged model the version is made from (<c>m-…</c>): the version keeps the link.</summary>
    string? LoggedModelId = null);

/// <summary>Model versions: register, read, list, description, tags, delete.</summary>
public sealed class VersionService(RegistryStore store, RegistryCopies copies, IOptions<RegistryOptions> settings)
{
    /// <summary>Registry:AllowLocalSources: an admin's choice to let versions point at any path on the server.</summary>
    private readonly bool allowLocalSources = settings.Value.AllowLocalSources;

    public Task<VersionView> RegisterAsync(Actor actor, NewVersion request, CancellationToken ct = default)
    {
        async Task<VersionView> Register(OperationContext op)
        {
            var model = await op.ModelToChangeAsync(request.ModelName, PermissionLevel.Edit, "register a version of it");
            var source = await ValidSourceAsync(op, request);
            Descriptions.Validate(request.Description);
            foreach (var (key, value) in request.Tags ?? new Dictionary<string, string>()) TagRules.Validate(key, value);
            // The counter lives on the model row and moves in this transaction: numbers are never reused.
            model.LastVersionNumber++;
            model.UpdatedAt = op.Now;
            var version = new ModelVersion
            {
                ModelId = model.Id, Number = model.LastVersionNumber, Source = source, ConcurrencyStamp = Guid.NewGuid(),
                RunId = request.RunId?.Trim() ?? "", RunLink = request.RunLink?.Trim() ?? "",
                StorageLocation = request.StorageLocation ?? "",
                LoggedModelId = request.LoggedModelId ?? "",
                Description = request.Description ?? "",
                Status = request.Pending ? VersionStatus.PendingRegistration : VersionStatus.Ready,
                CreatedById = op.Actor.UserId, CreatedAt = op.Now, UpdatedAt = op.Now,
                Tags = (request.Tags ?? new Dictionary<string, string>()).Select(t => new VersionTag { Key = t.Key, Value = t.Value }).ToList(),
            };
            op.Db.Versions.Add(version);
            op.Record(ActivityKind.VersionRegistered, model, version, detail: version.Source).With("description", version.Description);
            if (version.LoggedModelId.Length > 0)
                await Tracking.LoggedModelService.RecordRegistrationAsync(op, version.LoggedModelId, model.Name, version.Number);
            return await ViewAsync(op, model, version);
        }
        // A version made from a logged model also tags that model, which a registration into another model may be tagging too.
        return string.IsNullOrEmpty(request.LoggedModelId) ? store.WriteModelAsync(actor, Register, ct) : store.WriteAsync(actor, Register, ct);
    }

    /// <summary>
    /// The source, checked (see <see cref="VersionSources"/>): a local path passes only when an admin allows local sources
    /// or it lies inside the artifact folder of the run given as run_id (MLflow's rule).
    /// </summary>
    private async Task<string> ValidSourceAsync(OperationContext op, NewVersion request)
    {
        // The run's folder matters only for a local path: other sources cost no lookup.
        var isLocal = request.Source is { } given && VersionSources.IsLocal(given.Trim());
        var runFolder = !isLocal || string.IsNullOrWhiteSpace(request.RunId) ? null
            : await op.Db.Runs.Where(r => r.Id == request.RunId.Trim()).Select(r => r.ArtifactUri).FirstOrDefaultAsync(op.Ct);
        return VersionSources.Validate(request.Source, local =>
            allowLocalSources || (runFolder is not null && VersionSources.IsLocal(runFolder) && IsInside(VersionSources.LocalPath(local), VersionSources.LocalPath(runFolder))));
    }

    private static bool IsInside(string path, string folder)
    {
        var root = Path.GetFullPath(folder).TrimEnd('/') + "/";
        var full = Path.GetFullPath(path);
        return full.StartsWith(root, StringComparison.Ordinal) || full + "/" == root;
    }

    /// <summary>Ends a pending registration: READY when the files arrived, FAILED_REGISTRATION with the reason if not.</summary>
    /// <param name="storageLocation">Where the registry's copy of the files now is.</param>
    /// <returns>The version as this write left it, read inside its own transaction.</returns>
    public Task<VersionView> CompleteRegistrationAsync(Actor actor, string modelName, int number, bool succeeded, string? message = null,
        string? storageLocation = null, CancellationToken ct = default) =>
        FinishAsync(actor, async op =>
        {
            var (model, version) = await FindAsync(op, modelName, number);
            await op.DemandAsync(model, PermissionLevel.Edit, "complete its registration");
            return (model, version);
        }, succeeded, message, storageLocation, ct);

    /// <summary>
    /// Ends the registration of the version with row id <paramref name="versionId"/> for the portal itself: its own copy
    /// of the files finished or failed (then, or after a restart). The register call checked the permission; a role
    /// taken away since must not leave the version pending for ever. The event is recorded as <paramref name="creator"/>'s.
    /// </summary>
    internal Task<VersionView> FinishCopyAsync(Actor creator, int versionId, bool succeeded, string? message = null,
        string? storageLocation = null, CancellationToken ct = default) =>
        FinishAsync(creator, async op =>
        {
            var version = await op.Db.Versions.Include(v => v.Model).FirstOrDefaultAsync(v => v.Id == versionId, op.Ct)
                ?? throw RegistryError.NotFound($"The version being registered (row {versionId}) was deleted meanwhile.");
            return (version.Model!, version);
        }, succeeded, message, storageLocation, ct);

    /// <inheritdoc cref="FinishCopyAsync(Actor, int, bool, string?, string?, CancellationToken)"/>
    internal Task<VersionView> FinishCopyAsync(Actor creator, string modelName, int number, bool succeeded, string? message = null,
        string? storageLocation = null, CancellationToken ct = default) =>
        FinishAsync(creator, async op =>
        {
            var model = await op.Db.ModelAsync(modelName, op.Ct);
            return (model, await op.Db.VersionAsync(model, number, op.Ct));
        }, succeeded, message, storageLocation, ct);

    private Task<VersionView> FinishAsync(Actor actor, Func<OperationContext, Task<(RegisteredModel, ModelVersion)>> find, bool succeeded,
        string? message, string? storageLocation, CancellationToken ct) =>
        store.WriteAsync(actor, async op =>
        {
            var (model, version) = await find(op);
            // Recovery may have found this copy finished before its own instance said so: the same answer twice is no error.
            if (succeeded && version.Status == VersionStatus.Ready && storageLocation is not null && version.StorageLocation == storageLocation)
                return await ViewAsync(op, model, version);
            if (version.Status != VersionStatus.PendingRegistration)
                throw RegistryError.InvalidValue($"Version {version.Number} of '{model.Name}' is {version.Status.WireName()}, not PENDING_REGISTRATION.");
            version.Status = succeeded ? VersionStatus.Ready : VersionStatus.FailedRegistration;
            version.StatusMessage = message ?? "";
            // A failed copy has no files: the planned location goes, so the version points at its source again.
            if (succeeded && storageLocation is not null) version.StorageLocation = storageLocation;
            else if (!succeeded) version.StorageLocation = "";
            version.UpdatedAt = op.Now;
            op.Record(succeeded ? ActivityKind.RegistrationCompleted : ActivityKind.RegistrationFailed, model, version, detail: message ?? "");
            await op.Db.SaveChangesAsync(op.Ct);
            return await ViewAsync(op, model, version);
        }, ct);

    public Task<VersionView> GetAsync(Actor actor, string modelName, int number, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            var (model, version) = await FindAsync(op, modelName, number);
            await op.DemandAsync(model, PermissionLevel.Read, "see its versions");
            return await ViewAsync(op, model, version);
        }, ct);

    /// <summary>
    /// What the version page shows, in one read: the version, the caller's level and the moves it allows, why delete
    /// is refused, pending requests with what the caller may do with each, activity, and the run or logged model it came from.
    /// </summary>
    public Task<VersionDetails> DetailsAsync(Actor actor, string modelName, int number, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            var (model, version) = await FindAsync(op, modelName, number);
            var level = await op.DemandAsync(model, PermissionLevel.Read, "see its versions");
            return await VersionDetailsRead.BuildAsync(op, model, version, level);
        }, ct);

    /// <summary>A model's versions, newest first; <paramref name="activeOnly"/> keeps Staging and Production.</summary>
    public Task<Page<VersionView>> ListAsync(Actor actor, string modelName, bool activeOnly = false, int pageIndex = 0, int pageSize = 25, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            var model = await op.Db.ModelAsync(modelName, op.Ct);
            await op.DemandAsync(model, PermissionLevel.Read, "see its versions");
            var versions = op.Db.Versions.Where(v => v.ModelId == model.Id);
            if (activeOnly) versions = versions.Where(Stages.LiveVersion);
            var total = await versions.CountAsync(op.Ct);
            pageSize = Math.Clamp(pageSize, 1, 500);
            pageIndex = Math.Max(0, pageIndex);
            var page = await versions.OrderByDescending(v => v.Number).Skip(pageIndex * pageSize).Take(pageSize)
                .Include(v => v.Tags).ToListAsync(op.Ct);
            var ids = page.Select(v => v.Id).ToList();
            var aliases = await op.Db.Aliases.Where(a => ids.Contains(a.VersionId)).ToListAsync(op.Ct);
            var names = await op.Db.UserNamesAsync(page.Select(v => v.CreatedById), op.Ct);
            var items = page.Select(v => ToView(model, v, aliases.Where(a => a.VersionId == v.Id).Select(a => a.Alias).Order().ToList(), names)).ToList();
            return new Page<VersionView>(items, total, pageIndex, pageSize);
        }, ct);

    /// <summary>Replaces the description; the answer is the version as this write left it, read inside its own transaction.</summary>
    public Task<VersionView> UpdateDescriptionAsync(Actor actor, string modelName, int number, string description, string? editedFrom = null, CancellationToken ct = default) =>
        store.WriteModelAsync(actor, async op =>
        {
            var (model, version) = await FindAsync(op, modelName, number);
            await op.DemandAsync(model, PermissionLevel.Edit, "edit a version's description");
            Descriptions.Validate(description);
            Descriptions.EnsureNotStale(version.Description, editedFrom, $"version {number} of '{model.Name}'");
            version.Description = description;
            version.UpdatedAt = op.Now;
            op.Record(ActivityKind.VersionDescribed, model, version, comment: description);
            await op.Db.SaveChangesAsync(op.Ct);
            return await ViewAsync(op, model, version);
        }, ct);

    public Task SetTagAsync(Actor actor, string modelName, int number, string key, string value, CancellationToken ct = default) =>
        store.WriteModelAsync(actor, async op =>
        {
            var (model, version) = await FindAsync(op, modelName, number);
            await op.DemandAsync(model, PermissionLevel.Edit, "edit a version's tags");
            TagRules.Validate(key, value);
            var tag = await op.Db.VersionTags.FindAsync([version.Id, key], op.Ct);
            if (tag is null) op.Db.VersionTags.Add(new VersionTag { VersionId = version.Id, Key = key, Value = value });
            else tag.Value = value;
            version.UpdatedAt = op.Now;
            op.Record(ActivityKind.VersionTagged, model, version, detail: $"{key} = {value}").With(key, value);
        }, ct);

    public Task DeleteTagAsync(Actor actor, string modelName, int number, string key, CancellationToken ct = default) =>
        store.WriteModelAsync(actor, async op =>
        {
            var (model, version) = await FindAsync(op, modelName, number);
            await op.DemandAsync(model, PermissionLevel.Edit, "edit a version's tags");
            var tag = await op.Db.VersionTags.FindAsync([version.Id, key], op.Ct)
                ?? throw RegistryError.NotFound($"Version {number} of '{model.Name}' has no tag '{key}'.");
            op.Db.VersionTags.Remove(tag);
            version.UpdatedAt = op.Now;
            op.Record(ActivityKind.VersionUntagged, model, version, detail: key);
        }, ct);

    /// <summary>Deletes a version, then (once that has committed) the registry's copy of its files, unless another version uses it.</summary>
    public async Task DeleteAsync(Actor actor, string modelName, int number, CancellationToken ct = default)
    {
        var locations = await store.WriteModelAsync(actor, async op =>
        {
            var (model, version) = await FindAsync(op, modelName, number);
            await op.DemandAsync(model, PermissionLevel.Manage, "delete a version");
            if (LiveGuard(model, version) is { } blocked) throw RegistryError.InvalidValue(blocked);
            op.Record(ActivityKind.VersionDeleted, model, version);
            model.UpdatedAt = op.Now;
            op.Db.Versions.Remove(version); // its tags, aliases and requests go with it; the counter keeps its number
            return new[] { version.StorageLocation, version.Source };
        }, ct);
        await copies.RemoveUnreferencedAsync(locations);
    }

    /// <summary>Why a version cannot be deleted while it is where it is (Staging or Production), or null.</summary>
    internal static string? LiveGuard(RegisteredModel model, ModelVersion version) =>
        version.Stage.IsLive()
            ? $"Version {version.Number} of '{model.Name}' is in {version.Stage}: move it to None or Archived before deleting it."
            : null;

    internal static async Task<(RegisteredModel, ModelVersion)> FindAsync(OperationContext op, string modelName, int number)
    {
        var model = await op.FindModelAsync(modelName);
        // Checked before the version lookup: "version 99 does not exist" would tell a user without Read that the model exists.
        if (!(await op.LevelOnAsync(model)).Allows(Ability.Read)) throw Lookups.ModelNotFound(model.Name);
        return (model, await op.Db.VersionAsync(model, number, op.Ct));
    }

    internal static async Task<VersionView> ViewAsync(OperationContext op, RegisteredModel model, ModelVersion version)
    {
        // A saved version's tags and aliases through the compiled queries every write's answer shares.
        if (version.Id != 0) return (await ViewsAsync(op, [version], _ => model))[0];
        // A version not saved yet has only the tags it was given, and no alias.
        return ToView(model, version, [], await op.Db.UserNamesAsync([version.CreatedById], op.Ct));
    }

    /// <param name="tags">The version's tags; null: its own <see cref="ModelVersion.Tags"/>, loaded.</param>
    private static VersionView ToView(RegisteredModel model, ModelVersion v, IReadOnlyList<string> aliases, Func<string?, string> names,
        ICollection<VersionTag>? tags = null) =>
        new(model.Name, v.Number, v.Stage, v.Status, v.StatusMessage, v.Source, v.RunId, v.RunLink,
            FilesAt(v), v.Description,
            names(v.CreatedById), v.CreatedById, v.CreatedAt, v.UpdatedAt, v.ConcurrencyStamp,
            TagsByKey(tags ?? v.Tags), aliases, v.LoggedModelId);

    private static readonly IReadOnlyDictionary<string, string> NoTags = new Dictionary<string, string>();

    /// <summary>Tags ordered by key (the current culture's order, as before), built without LINQ's sorter: a search builds hundreds.</summary>
    private static IReadOnlyDictionary<string, string> TagsByKey(ICollection<VersionTag> tags)
    {
        if (tags.Count == 0) return NoTags;
        var sorted = new VersionTag[tags.Count];
        tags.CopyTo(sorted, 0);
        if (sorted.Length > 1) Array.Sort(sorted, (a, b) => string.Compare(a.Key, b.Key, StringComparison.CurrentCulture));
        var byKey = new Dictionary<string, string>(sorted.Length);
        foreach (var tag in sorted) byKey[tag.Key] = tag.Value;
        return byKey;
    }

    /// <summary>
    /// The latest READY version in each of <paramref name="stages"/> (any case; all four when none are given),
    /// in the order the stages were asked for: what <c>models:/name/Production</c> and <c>models:/name/latest</c> resolve to.
    /// </summary>
    public Task<IReadOnlyList<VersionView>> LatestAsync(Actor actor, string modelName, IReadOnlyList<string>? stages = null, CancellationToken ct = default) =>
        store.ReadAsync<IReadOnlyList<VersionView>>(actor, async op =>
        {
            var wanted = stages is { Count: > 0 } ? stages.Select(Stages.Parse).Distinct().ToList() : Stages.All;
            var model = await op.Db.ModelAsync(modelName, op.Ct);
            await op.DemandAsync(model, PermissionLevel.Read, "see its versions");
            return await LatestReadyAsync(op, [model], wanted);
        }, ct);

    /// <summary>The versions registered from an MLflow 3 logged model that the caller may see, newest first.</summary>
    public Task<IReadOnlyList<VersionView>> FromLoggedModelAsync(Actor actor, string loggedModelId, CancellationToken ct = default) =>
        store.ReadAsync(actor, op => FromLoggedModelAsync(op, loggedModelId), ct);

    internal static async Task<IReadOnlyList<VersionView>> FromLoggedModelAsync(OperationContext op, string loggedModelId)
    {
        var rows = await PermissionResolver.ReadableVersions(op.Db, op.Access).Include(v => v.Model)
            .Where(v => v.LoggedModelId == loggedModelId).OrderByDescending(v => v.CreatedAt).ThenBy(v => v.Id).ToListAsync(op.Ct);
        return await ViewsAsync(op, rows, v => v.Model!);
    }

    /// <summary>Where the version's files are: the registry's own copy when it has one (uploads, runs), else the source URI.</summary>
    public Task<string> DownloadUriAsync(Actor actor, string modelName, int number, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            var (model, version) = await FindAsync(op, modelName, number);
            await op.DemandAsync(model, PermissionLevel.Read, "download its files");
            return FilesAt(version);
        }, ct);

    /// <summary>
    /// The registry's own copy when it has one (uploads, runs), else the source URI. A pending version already names
    /// the folder its copy goes to (so a restart can finish it), but the files are not there yet: it points at its source.
    /// </summary>
    private static string FilesAt(ModelVersion version) =>
        string.IsNullOrEmpty(version.StorageLocation) || version.Status == VersionStatus.PendingRegistration ? version.Source : version.StorageLocation;

    /// <summary>For each model, the highest-numbered READY version in each of <paramref name="stages"/>, ordered by model, then stage as given.</summary>
    internal static async Task<List<VersionView>> LatestReadyAsync(OperationContext op, IReadOnlyList<RegisteredModel> models, IReadOnlyList<Stage> stages)
    {
        var byId = models.ToDictionary(m => m.Id);
        return await ViewsAsync(op, await LatestReadyRowsAsync(op, models, stages), v => byId[v.ModelId]);
    }

    /// <summary>The rows of <see cref="LatestReadyAsync"/>, in its order.</summary>
    internal static async Task<List<ModelVersion>> LatestReadyRowsAsync(OperationContext op, IReadOnlyList<RegisteredModel> models, IReadOnlyList<Stage> stages)
    {
        var ids = models.Select(m => m.Id).ToList();
        var wantedStages = stages.Distinct().ToList();
        if (wantedStages.Count == 0 || ids.Count == 0) return [];
        var rows = ids.Count == 1 ? await InFourStagesAsync(LatestReadyOfOne, op, ids[0], wantedStages)
            : await InFourStagesAsync(LatestReadyIn, op, ids, wantedStages);
        // Sorted by one number per row (the model's place, then the stage's): a comparison that looked both up
        // for every pair was a twentieth of a models search.
        var modelOrder = new Dictionary<int, int>(ids.Count);
        for (var i = 0; i < ids.Count; i++) modelOrder.TryAdd(ids[i], i);
        var keys = rows.Select(v => modelOrder[v.ModelId] * wantedStages.Count + wantedStages.IndexOf(v.Stage)).ToArray();
        var sorted = rows.ToArray();
        Array.Sort(keys, sorted);
        return [.. sorted];
    }

    /// <summary>
    /// Per (model, stage): the id of the highest READY version, one seek at the end of the covering index
    /// (ModelId, Stage, Status, Number), whose entries carry the row's id; then the row by its primary key.
    /// A GROUP BY instead reads every READY entry of every model on the page (10,000 for the big model).
    /// A page's ids go as one array parameter, as every id list does (DatabaseSetup.OneArrayParameter).
    /// Compiled once, as is the one-model form (every get): building and translating the four stages' queries on
    /// each call cost a fifth of a registered-models/get and a tenth of a models search.
    /// </summary>
    private static readonly Func<RegistryDbContext, List<int>, Stage, Stage, Stage, Stage, IAsyncEnumerable<ModelVersion>> LatestReadyIn =
        CompiledQueries.PerContextKind(() => EF.CompileAsyncQuery(InFourStages((RegistryDbContext db, List<int> ids, Stage stage) =>
            from m in db.Models
            where ids.Contains(m.Id)
            from v in db.Versions.AsNoTracking()
            where v.Id == db.Versions
                .Where(w => w.ModelId == m.Id && w.Stage == stage && w.Status == VersionStatus.Ready)
                .OrderByDescending(w => w.Number).Select(w => w.Id).FirstOrDefault()
            select v)));

    private static readonly Func<RegistryDbContext, int, Stage, Stage, Stage, Stage, IAsyncEnumerable<ModelVersion>> LatestReadyOfOne =
        CompiledQueries.PerContextKind(() => EF.CompileAsyncQuery(InFourStages((RegistryDbContext db, int modelId, Stage stage) =>
            db.Versions.AsNoTracking().Where(v => v.Id == db.Versions
                .Where(w => w.ModelId == modelId && w.Stage == stage && w.Status == VersionStatus.Ready)
                .OrderByDescending(w => w.Number).Select(w => w.Id).FirstOrDefault()))));

    /// <summary>Runs a four-stage query for the stages asked (fewer are padded with the first; its rows come once).</summary>
    private static async Task<List<ModelVersion>> InFourStagesAsync<TModels>(
        Func<RegistryDbContext, TModels, Stage, Stage, Stage, Stage, IAsyncEnumerable<ModelVersion>> query,
        OperationContext op, TModels models, List<Stage> stages)
    {
        Stage Asked(int i) => stages[i < stages.Count ? i : 0];
        var rows = new List<ModelVersion>();
        var seen = new HashSet<int>();
        await foreach (var row in query(op.Db, models, Asked(0), Asked(1), Asked(2), Asked(3)).WithCancellation(op.Ct))
            if (seen.Add(row.Id)) rows.Add(row);
        return rows;
    }

    /// <summary>(db, models, s0, s1, s2, s3) => the query of one stage for each, in UNION ALL (a compiled query cannot call a method that builds it).</summary>
    private static Expression<Func<RegistryDbContext, TModels, Stage, Stage, Stage, Stage, IQueryable<ModelVersion>>> InFourStages<TModels>(
        Expression<Func<RegistryDbContext, TModels, Stage, IQueryable<ModelVersion>>> ofOneStage)
    {
        var stages = Enumerable.Range(0, 4).Select(i => Expression.Parameter(typeof(Stage), $"stage{i}")).ToList();
        var union = stages.Select(stage => ReplacingExpressionVisitor.Replace(ofOneStage.Parameters[2], stage, ofOneStage.Body))
            .Aggregate((all, next) => Expression.Call(typeof(Queryable), nameof(Queryable.Concat), [typeof(ModelVersion)], all, next));
        return Expression.Lambda<Func<RegistryDbContext, TModels, Stage, Stage, Stage, Stage, IQueryable<ModelVersion>>>(
            union, [ofOneStage.Parameters[0], ofOneStage.Parameters[1], .. stages]);
    }

    /// <summary>A version's tag (its key and value) or alias (no key, the alias as the value).</summary>
    private sealed record TagOrAlias(int VersionId, string? Key, string Value);

    // Every answer with versions reads their tags and aliases, in one round trip: compiled once.
    private static readonly Func<RegistryDbContext, List<int>, IAsyncEnumerable<TagOrAlias>> TagsAndAliasesOf =
        CompiledQueries.PerContextKind(() => EF.CompileAsyncQuery((RegistryDbContext db, List<int> ids) =>
            db.VersionTags.Where(t => ids.Contains(t.VersionId)).Select(t => new { t.VersionId, Key = (string?)t.Key, t.Value })
                .Concat(db.Aliases.Where(a => ids.Contains(a.VersionId)).Select(a => new { a.VersionId, Key = (string?)null, Value = a.Alias }))
                .Select(row => new TagOrAlias(row.VersionId, row.Key, row.Value))));

    /// <summary>Views of many versions with a few set-based queries (tags and aliases, creators), in the given order.</summary>
    internal static async Task<List<VersionView>> ViewsAsync(OperationContext op, IReadOnlyList<ModelVersion> versions, Func<ModelVersion, RegisteredModel> modelOf,
        Func<string?, string>? names = null)
    {
        if (versions.Count == 0) return [];
        var ids = versions.Select(v => v.Id).ToList();
        var rows = (await TagsAndAliasesOf(op.Db, ids).ToListAsync(op.Ct)).ToLookup(r => r.VersionId);
        names ??= await op.Db.UserNamesAsync(versions.Select(v => v.CreatedById), op.Ct);
        return versions.Select(v =>
        {
            // Not the version's own Tags: in a write those are tracked, and rows read here would be saved as new ones.
            var tags = new List<VersionTag>();
            var aliases = new List<string>();
            foreach (var row in rows[v.Id])
            {
                if (row.Key is null) aliases.Add(row.Value);
                else tags.Add(new VersionTag { VersionId = v.Id, Key = row.Key, Value = row.Value });
            }
            aliases.Sort(StringComparer.Ordinal);
            return ToView(modelOf(v), v, aliases, names, tags);
        }).ToList();
    }
}
