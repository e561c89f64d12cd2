using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Registry.Search;
using RegistryPortal.Security;

namespace RegistryPortal.Tracking;

/// <summary>Experiments: create, get by id or name, search.</summary>
public sealed partial class ExperimentService(RegistryStore store)
{
    public Task<Experiment> CreateAsync(Actor actor, string name, string? artifactLocation = null,
        IReadOnlyDictionary<string, string>? tags = null, CancellationToken ct = default) =>
        store.WriteAsync(actor, async op =>
        {
            TrackingRules.DemandLog(op);
            if (string.IsNullOrWhiteSpace(name)) throw RegistryError.InvalidValue("An experiment name is required.");
            if (await op.Db.Experiments.AnyAsync(e => e.Name == name, op.Ct))
                throw RegistryError.AlreadyExists($"Experiment '{name}' already exists.");
            var now = TrackingRules.ToEpochMs(op.Now);
            var experiment = new Experiment
            {
                Name = name, CreationTime = now, LastUpdateTime = now,
                Tags = (tags ?? new Dictionary<string, string>()).Select(t => new ExperimentTag { Key = t.Key, Value = t.Value }).ToList(),
            };
            op.Db.Experiments.Add(experiment);
            await op.Db.SaveChangesAsync(op.Ct);
            // Artifacts live under the server's store unless the client named a location.
            experiment.ArtifactLocation = string.IsNullOrWhiteSpace(artifactLocation) ? $"mlflow-artifacts:/{experiment.Id}" : artifactLocation;
            return experiment;
        }, ct);

    public Task<Experiment> GetAsync(Actor actor, int id, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            TrackingRules.DemandRead(op);
            return await op.Db.Experiments.Include(e => e.Tags).FirstOrDefaultAsync(e => e.Id == id, op.Ct) ?? throw NotFound(id);
        }, ct);

    private static RegistryError NotFound(int id) => RegistryError.NotFound($"No Experiment with id={id} exists");

    internal static async Task<string> NameAsync(OperationContext op, int id) =>
        await op.Db.Experiments.Where(e => e.Id == id).Select(e => e.Name).FirstOrDefaultAsync(op.Ct) ?? throw NotFound(id);

    public Task<Experiment> GetByNameAsync(Actor actor, string name, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            TrackingRules.DemandRead(op);
            return await op.Db.Experiments.Include(e => e.Tags).FirstOrDefaultAsync(e => e.Name == name, op.Ct)
                ?? throw RegistryError.NotFound($"Could not find experiment with name '{name}'");
        }, ct);

    public const int SearchDefaultMaxResults = 1000;

    private static readonly SortColumn<Experiment> ById = SortColumns.Number<Experiment>("id", e => e.Id);
    private static readonly SortColumn<Experiment> ByName = SortColumns.Text<Experiment>("name", e => e.Name);
    private static readonly SortColumn<Experiment> ByCreation = SortColumns.Long<Experiment>("created", e => e.CreationTime);
    private static readonly SortColumn<Experiment> ByUpdate = SortColumns.Long<Experiment>("updated", e => e.LastUpdateTime);

    private static readonly Dictionary<string, SortColumn<Experiment>> OrderKeys = new()
    {
        ["name"] = ByName, ["experiment_id"] = ById, ["creation_time"] = ByCreation, ["last_update_time"] = ByUpdate,
    };

    /// <summary>
    /// Active experiments matching the filter (MLflow's search_experiments syntax: name and tags.&lt;key&gt; with
    /// = != LIKE ILIKE, joined by AND), ordered by order_by (name, experiment_id, creation_time, last_update_time;
    /// by default newest first), max_results (default 1000, at most 50,000) at a time, with keyset page tokens
    /// as the registry searches have, so experiments created while a client pages never shift its pages.
    /// </summary>
    public Task<SearchPage<Experiment>> SearchAsync(Actor actor, SearchQuery query, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            TrackingRules.DemandRead(op);
            var max = RegistrySearchService.MaxResults(query.MaxResults, SearchDefaultMaxResults, RunSearch.MaxPageSize);
            var order = SearchOrder<Experiment>.Parse(query.OrderBy, OrderKeys, defaults: [(ByCreation, false)], natural: [(ById, false)], ById);
            var experiments = RegistryFilter.ForModels(query.Filter).ApplyTo(op.Db.Experiments.Where(e => e.LifecycleStage == LifecycleStages.Active), op.Db);
            var (page, next) = await RegistrySearchService.PageAsync(experiments.Include(e => e.Tags), order, "Experiments", query, max, op.Ct);
            return new SearchPage<Experiment>(page, next);
        }, ct);
}
