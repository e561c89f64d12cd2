using Microsoft.EntityFrameworkCore;
using RegistryPortal.Data;
using RegistryPortal.Domain;
using RegistryPortal.Registry.Search;
using RegistryPortal.Security;

namespace RegistryPortal.Registry;

/// <summary>
/// A registry search as MLflow's clients ask for it: a filter in MLflow's syntax, order_by clauses,
/// a page size, and the token of the page before (see <see cref="PageToken"/>).
/// </summary>
public sealed record SearchQuery(string? Filter = null, IReadOnlyList<string>? OrderBy = null, int? MaxResults = null, string? PageToken = null);

/// <summary>One page of a search; <paramref name="NextPageToken"/> is null on the last page.</summary>
public sealed record SearchPage<T>(IReadOnlyList<T> Items, string? NextPageToken);

/// <summary>What MLflow calls a registered model: the model with its tags, aliases and latest READY version per stage.</summary>
public sealed record RegisteredModelView(
    string Name, string Description, string CreatedBy, string CreatedById, DateTime CreatedAt, DateTime UpdatedAt,
    IReadOnlyDictionary<string, string> Tags, IReadOnlyList<AliasView> Aliases, IReadOnlyList<VersionView> LatestVersions);

/// <summary>
/// MLflow's registry searches over the models and versions the caller may read: filter, order_by,
/// max_results with MLflow's defaults and limits, and keyset page tokens.
/// </summary>
public sealed class RegistrySearchService(RegistryStore store)
{
    public const int ModelsDefaultMaxResults = 100;
    public const int ModelsMaxResultsLimit = 1000;
    public const int VersionsDefaultMaxResults = 10_000;
    public const int VersionsMaxResultsLimit = 200_000;

    // Names sort ignoring case (by the upper-cased name), as the models list does.
    private static readonly SortColumn<RegisteredModel> ModelName = SortColumns.Text<RegisteredModel>("name", m => m.NormalizedName);
    private static readonly SortColumn<RegisteredModel> ModelUpdated = SortColumns.Time<RegisteredModel>("updated", m => m.UpdatedAt);
    private static readonly SortColumn<RegisteredModel> ModelId = SortColumns.Number<RegisteredModel>("id", m => m.Id);

    private static readonly Dictionary<string, SortColumn<RegisteredModel>> ModelKeys = new()
    {
        ["name"] = ModelName,
        ["timestamp"] = ModelUpdated,
        ["last_updated_timestamp"] = ModelUpdated,
    };

    private static readonly SortColumn<ModelVersion> VersionModelName = SortColumns.Text<ModelVersion>("name", v => v.Model!.NormalizedName);
    private static readonly SortColumn<ModelVersion> VersionNumber = SortColumns.Number<ModelVersion>("version", v => v.Number);
    private static readonly SortColumn<ModelVersion> VersionCreated = SortColumns.Time<ModelVersion>("created", v => v.CreatedAt);
    private static readonly SortColumn<ModelVersion> VersionUpdated = SortColumns.Time<ModelVersion>("updated", v => v.UpdatedAt);
    private static readonly SortColumn<ModelVersion> VersionId = SortColumns.Number<ModelVersion>("id", v => v.Id);

    private static readonly Dictionary<string, SortColumn<ModelVersion>> VersionKeys = new()
    {
        ["name"] = VersionModelName,
        ["version_number"] = VersionNumber,
        ["creation_timestamp"] = VersionCreated,
        ["timestamp"] = VersionUpdated,
        ["last_updated_timestamp"] = VersionUpdated,
    };

    /// <summary>
    /// Registered models matching <see cref="SearchQuery.Filter"/> (name, tags), by default ordered by name;
    /// max_results defaults to 100 and may be at most 1000.
    /// </summary>
    public Task<SearchPage<RegisteredModelView>> SearchModelsAsync(Actor actor, SearchQuery query, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            var max = MaxResults(query.MaxResults, ModelsDefaultMaxResults, ModelsMaxResultsLimit);
            var filter = RegistryFilter.ForModels(query.Filter);
            var order = SearchOrder<RegisteredModel>.Parse(query.OrderBy, ModelKeys,
                defaults: [(ModelName, true)], natural: [(ModelName, true)], ModelId);
            var rows = filter.ApplyTo(PermissionResolver.Readable(op.Db, op.Access), op.Db);
            var (page, next) = await PageAsync(rows, order, nameof(FilterSubject.Models), query, max, op.Ct);
            return new SearchPage<RegisteredModelView>(await RegisteredModelViews.BuildAsync(op, page), next);
        }, ct);

    /// <summary>
    /// Model versions matching <see cref="SearchQuery.Filter"/> (name, version_number, run_id, source_path, tags),
    /// by default newest change first (MLflow's last_updated_timestamp DESC, name ASC, version_number DESC);
    /// max_results defaults to 10,000 and may be at most 200,000, as in MLflow.
    /// </summary>
    public Task<SearchPage<VersionView>> SearchVersionsAsync(Actor actor, SearchQuery query, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            var max = MaxResults(query.MaxResults, VersionsDefaultMaxResults, VersionsMaxResultsLimit);
            var filter = RegistryFilter.ForVersions(query.Filter);
            var order = SearchOrder<ModelVersion>.Parse(query.OrderBy, VersionKeys,
                defaults: [(VersionUpdated, false), (VersionModelName, true), (VersionNumber, false)],
                natural: [(VersionModelName, true), (VersionNumber, false)], VersionId);
            var rows = filter.ApplyTo(PermissionResolver.ReadableVersions(op.Db, op.Access).Include(v => v.Model), op.Db);
            var (page, next) = await PageAsync(rows, order, nameof(FilterSubject.Versions), query, max, op.Ct);
            return new SearchPage<VersionView>(await VersionService.ViewsAsync(op, page, v => v.Model!), next);
        }, ct);

    internal static int MaxResults(int? requested, int byDefault, int limit)
    {
        if (requested is not { } n) return byDefault;
        if (n < 1) throw RegistryError.InvalidValue($"Invalid value for max_results. It must be a positive integer, but got {n}");
        if (n > limit)
            throw RegistryError.InvalidValue($"Invalid value for request parameter max_results. It must be at most {limit}, but got value {n}");
        return n;
    }

    /// <summary>
    /// Reads one page of max rows after the token's cursor, and one more row to learn whether another page follows.
    /// <paramref name="what"/> names the search in the token's fingerprint, so a token of another search is refused.
    /// </summary>
    internal static Task<(List<T> Page, string? Next)> PageAsync<T>(IQueryable<T> rows, SearchOrder<T> order,
        string what, SearchQuery query, int max, CancellationToken ct) =>
        PageAsync(rows, order, what, query, max, page => page.ToListAsync(ct), order.CursorOf);

    /// <summary>
    /// The same, for a search whose rows are read with more than the entity (a run with its latest metrics): the
    /// page is read by <paramref name="read"/>, and the next cursor taken from its last item by <paramref name="cursorOf"/>.
    /// </summary>
    internal static async Task<(List<TItem> Page, string? Next)> PageAsync<T, TItem>(IQueryable<T> rows, SearchOrder<T> order,
        string what, SearchQuery query, int max, Func<IQueryable<T>, Task<List<TItem>>> read, Func<TItem, IReadOnlyList<string?>> cursorOf)
    {
        var fingerprint = PageToken.Fingerprint(what, query.Filter, order.Signature);
        if (PageToken.Read(query.PageToken, fingerprint, order.KeyCount) is { } cursor)
        {
            try
            {
                rows = order.After(rows, cursor);
            }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
            {
                throw PageToken.Invalid();
            }
        }
        var page = await read(order.Apply(rows).Take(max + 1));
        if (page.Count <= max) return (page, null);
        page.RemoveAt(max);
        return (page, PageToken.Create(fingerprint, cursorOf(page[^1])));
    }
}

/// <summary>Builds <see cref="RegisteredModelView"/>s for a page of models with a few set-based queries.</summary>
internal static class RegisteredModelViews
{
    // Compiled once: every search and get reads them.
    private sealed record TagRow(int ModelId, string Key, string Value);

    private static readonly Func<RegistryDbContext, List<int>, IAsyncEnumerable<TagRow>> TagsOf =
        CompiledQueries.PerContextKind(() => EF.CompileAsyncQuery((RegistryDbContext db, List<int> ids) =>
            db.ModelTags.Where(t => ids.Contains(t.ModelId)).Select(t => new TagRow(t.ModelId, t.Key, t.Value))));

    private sealed record AliasRow(int ModelId, string Alias, int Number);

    private static readonly Func<RegistryDbContext, List<int>, IAsyncEnumerable<AliasRow>> AliasesOf =
        CompiledQueries.PerContextKind(() => EF.CompileAsyncQuery((RegistryDbContext db, List<int> ids) =>
            db.Aliases.Where(a => ids.Contains(a.ModelId)).Select(a => new AliasRow(a.ModelId, a.Alias, a.Version!.Number))));

    public static async Task<IReadOnlyList<RegisteredModelView>> BuildAsync(OperationContext op, IReadOnlyList<RegisteredModel> models)
    {
        var parts = new Dictionary<int, ModelViewCache.Parts>(models.Count);
        foreach (var model in models)
            if (op.Views?.Find(model) is { } cached) parts[model.Id] = cached;
        var missing = models.Where(m => !parts.ContainsKey(m.Id)).ToList();
        var read = missing.Count > 0 ? await ReadPartsAsync(op, missing) : null;
        // One lookup of the creators of the models and of their versions, cached or not: a user's name may change.
        var names = await op.Db.UserNamesAsync(models.Select(m => m.CreatedById)
            .Concat(parts.Values.SelectMany(p => p.LatestVersions).Select(v => v.CreatedById))
            .Concat(read?.Versions.Select(v => v.CreatedById) ?? []), op.Ct);
        if (read is not null)
        {
            foreach (var (id, built) in await read.BuildAsync(op, missing, names))
            {
                parts[id] = built;
                op.Views?.Keep(id, built);
            }
        }
        return models.Select(m =>
        {
            var p = parts[m.Id];
            return new RegisteredModelView(m.Name, m.Description, names(m.CreatedById), m.CreatedById, m.CreatedAt, m.UpdatedAt,
                p.Tags, p.Aliases, NamedNow(p.LatestVersions, names));
        }).ToList();
    }

    /// <summary>The versions with their creators' names as they are now (a copy only for a name that changed since they were cached).</summary>
    private static IReadOnlyList<VersionView> NamedNow(IReadOnlyList<VersionView> versions, Func<string?, string> names)
    {
        if (versions.All(v => names(v.CreatedById) == v.CreatedBy)) return versions;
        return versions.Select(v => v with { CreatedBy = names(v.CreatedById) }).ToList();
    }

    private static async Task<ReadParts> ReadPartsAsync(OperationContext op, List<RegisteredModel> models)
    {
        var ids = models.Select(m => m.Id).ToList();
        var tags = (await TagsOf(op.Db, ids).ToListAsync(op.Ct)).ToLookup(t => t.ModelId);
        var aliases = (await AliasesOf(op.Db, ids).ToListAsync(op.Ct)).ToLookup(a => a.ModelId);
        return new ReadParts(tags, aliases, await VersionService.LatestReadyRowsAsync(op, models, Stages.All));
    }

    /// <summary>The rows of the models that were not cached: their tags and aliases, and the latest version per stage.</summary>
    private sealed record ReadParts(ILookup<int, TagRow> Tags, ILookup<int, AliasRow> Aliases, List<ModelVersion> Versions)
    {
        public async Task<IEnumerable<(int, ModelViewCache.Parts)>> BuildAsync(OperationContext op, List<RegisteredModel> models, Func<string?, string> names)
        {
            var byId = models.ToDictionary(m => m.Id);
            var views = await VersionService.ViewsAsync(op, Versions, v => byId[v.ModelId], names);
            // ViewsAsync keeps the rows' order, so each view's model is its row's.
            var latest = Versions.Zip(views).ToLookup(x => x.First.ModelId, x => x.Second);
            return models.Select(m => (m.Id, new ModelViewCache.Parts(m.ContentStamp,
                Tags[m.Id].OrderBy(t => t.Key, StringComparer.Ordinal).ToDictionary(t => t.Key, t => t.Value),
                Aliases[m.Id].OrderBy(a => a.Alias, StringComparer.Ordinal).Select(a => new AliasView(a.Alias, a.Number)).ToList(),
                latest[m.Id].ToList())));
        }
    }
}
