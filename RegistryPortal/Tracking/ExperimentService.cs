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
            return await op.Db.Experiments.Include(e => e.Tags).FirstOrDefaultAsync(e => e.Id == id, op.Ct)
                ?? throw RegistryError.NotFound($"No Experiment with id={id} exists");
        }, ct);

    public Task<Experiment> GetByNameAsync(Actor actor, string name, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            TrackingRules.DemandRead(op);
            return await op.Db.Experiments.Include(e => e.Tags).FirstOrDefaultAsync(e => e.Name == name, op.Ct)
                ?? throw RegistryError.NotFound($"Could not find experiment with name '{name}'");
        }, ct);

    /// <summary>
    /// Active experiments matching <paramref name="filter"/> (MLflow's search_experiments syntax: name and tags.&lt;key&gt;
    /// with = != LIKE ILIKE, joined by AND; null: all), newest first, a page at a time.
    /// </summary>
    public Task<Page<Experiment>> SearchAsync(Actor actor, string? filter = null, int pageIndex = 0, int pageSize = 100, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            TrackingRules.DemandRead(op);
            var experiments = RegistryFilter.ForModels(filter).ApplyTo(op.Db.Experiments.Where(e => e.LifecycleStage == LifecycleStages.Active), op.Db);
            var total = await experiments.CountAsync(op.Ct);
            pageSize = Math.Clamp(pageSize, 1, RunService.MaxPageSize);
            var items = await experiments.OrderByDescending(e => e.Id).Skip(Math.Max(0, pageIndex) * pageSize).Take(pageSize)
                .Include(e => e.Tags).ToListAsync(op.Ct);
            return new Page<Experiment>(items, total, pageIndex, pageSize);
        }, ct);
}
