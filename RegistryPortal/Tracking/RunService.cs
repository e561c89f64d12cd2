using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Security;

namespace RegistryPortal.Tracking;

/// <summary>A run with its params, tags, the latest value of each metric and the models it produced (<c>runs/outputs</c>).</summary>
public sealed record RunDetails(Run Info, IReadOnlyList<RunParam> Params, IReadOnlyList<RunTag> Tags, IReadOnlyList<RunMetric> LatestMetrics,
    IReadOnlyList<ModelOutput>? Outputs = null)
{
    public IReadOnlyList<ModelOutput> ModelOutputs => Outputs ?? [];
}

/// <summary>A metric value to log; <paramref name="ModelId"/> also logs it for that logged model (MLflow 3).</summary>
public sealed record MetricValue(string Key, double Value, long Timestamp, long Step, string? ModelId = null);

/// <summary>Runs: create, read, update, log params/metrics/tags/models (searches: <see cref="RunSearch"/>).</summary>
public sealed partial class RunService(RegistryStore store)
{
    /// <summary>The tag MLflow's client reads back the logged models from.</summary>
    public const string LoggedModelsTag = "mlflow.log-model.history";

    /// <summary>The tag that holds a run's name, as MLflow's server keeps it beside run_name.</summary>
    public const string RunNameTag = "mlflow.runName";

    public Task<RunDetails> CreateAsync(Actor actor, int experimentId, string? runName = null, long? startTime = null,
        IReadOnlyDictionary<string, string>? tags = null, CancellationToken ct = default) =>
        store.WriteAsync(actor, async op =>
        {
            TrackingRules.DemandLog(op);
            var experiment = await op.Db.Experiments.FirstOrDefaultAsync(e => e.Id == experimentId, op.Ct)
                ?? throw RegistryError.NotFound($"No Experiment with id={experimentId} exists");
            if (experiment.LifecycleStage != LifecycleStages.Active)
                throw RegistryError.InvalidValue($"Experiment {experimentId} is deleted: restore it before logging runs to it.");
            var id = Guid.NewGuid().ToString("N");
            // As MLflow's server: the name comes from run_name, else from the mlflow.runName tag, and the tag always holds it.
            var tagged = tags?.GetValueOrDefault(RunNameTag);
            if (!string.IsNullOrWhiteSpace(runName) && !string.IsNullOrEmpty(tagged) && tagged != runName)
                throw RegistryError.InvalidValue($"Both 'run_name' ('{runName}') and tag '{RunNameTag}' ('{tagged}') were given, with different values: give one, or the same in both.");
            var name = !string.IsNullOrWhiteSpace(runName) ? runName : !string.IsNullOrWhiteSpace(tagged) ? tagged : $"run-{id[..8]}";
            var run = new Run
            {
                Id = id, ExperimentId = experimentId, Name = name,
                UserId = op.Actor.UserId, StartTime = startTime ?? TrackingRules.ToEpochMs(op.Now),
                ArtifactUri = $"{experiment.ArtifactLocation.TrimEnd('/')}/{id}/artifacts",
            };
            foreach (var (key, value) in tags ?? new Dictionary<string, string>())
            {
                TrackingRules.Key(key, "tag");
                TrackingRules.Value(value, TrackingRules.MaxTagValueLength, "tag", key);
                if (key != RunNameTag) run.Tags.Add(new RunTag { RunId = id, Key = key, Value = value });
            }
            run.Tags.Add(new RunTag { RunId = id, Key = RunNameTag, Value = name });
            op.Db.Runs.Add(run);
            return new RunDetails(run, [], run.Tags, []);
        }, ct);

    public Task<RunDetails> GetAsync(Actor actor, string runId, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            TrackingRules.DemandRead(op);
            return await DetailsAsync(op, await FindAsync(op, runId));
        }, ct);

    public Task<RunDetails> UpdateAsync(Actor actor, string runId, string? status = null, long? endTime = null, string? runName = null, CancellationToken ct = default) =>
        store.WriteAsync(actor, async op =>
        {
            TrackingRules.DemandLog(op);
            var run = await FindAsync(op, runId);
            if (status is not null)
            {
                var canonical = RunStatuses.All.FirstOrDefault(s => s.Equals(status, StringComparison.OrdinalIgnoreCase))
                    ?? throw RegistryError.InvalidValue($"'{status}' is not a run status. Use one of: {string.Join(", ", RunStatuses.All)}.");
                run.Status = canonical;
            }
            if (endTime is not null) run.EndTime = endTime;
            if (!string.IsNullOrWhiteSpace(runName))
            {
                run.Name = runName;
                await SetTagAsync(op, run, RunNameTag, runName);
            }
            await op.Db.SaveChangesAsync(op.Ct); // the answer is read back inside this write's transaction
            return await DetailsAsync(op, run);
        }, ct);

    public Task LogBatchAsync(Actor actor, string runId, IReadOnlyList<MetricValue>? metrics = null,
        IReadOnlyDictionary<string, string>? parameters = null, IReadOnlyDictionary<string, string>? tags = null, CancellationToken ct = default) =>
        store.WriteAsync(actor, async op =>
        {
            TrackingRules.DemandLog(op);
            metrics ??= [];
            parameters ??= new Dictionary<string, string>();
            tags ??= new Dictionary<string, string>();
            if (metrics.Count > TrackingRules.MaxBatchMetrics || parameters.Count > TrackingRules.MaxBatchParams || tags.Count > TrackingRules.MaxBatchTags
                || metrics.Count + parameters.Count + tags.Count > TrackingRules.MaxBatchTotal)
                throw RegistryError.InvalidValue(
                    $"A batch holds at most {TrackingRules.MaxBatchMetrics} metrics, {TrackingRules.MaxBatchParams} params and {TrackingRules.MaxBatchTags} tags, {TrackingRules.MaxBatchTotal} in all. Split it.");
            var run = await FindAsync(op, runId);
            if (run.LifecycleStage != LifecycleStages.Active) throw RegistryError.InvalidValue($"Run '{runId}' is deleted: it cannot be logged to.");
            await LogParamsAsync(op, run, parameters);
            foreach (var metric in metrics)
            {
                TrackingRules.Key(metric.Key, "metric");
                // MLflow 3's client logs a model's metric again with its model_id: the run keeps one row of it.
                if (!string.IsNullOrEmpty(metric.ModelId) && await op.Db.RunMetrics.AnyAsync(m => m.RunId == run.Id && m.Key == metric.Key
                        && m.Value == metric.Value && m.Timestamp == metric.Timestamp && m.Step == metric.Step, op.Ct))
                    continue;
                op.Db.RunMetrics.Add(new RunMetric { RunId = run.Id, Key = metric.Key, Value = metric.Value, Timestamp = metric.Timestamp, Step = metric.Step });
            }
            await LoggedModelService.LinkMetricsAsync(op, run,
                metrics.Where(m => !string.IsNullOrEmpty(m.ModelId)).Select(m => (m, m.ModelId!)));
            foreach (var (key, value) in tags) await SetTagAsync(op, run, key, value);
        }, ct);

    public Task LogParamAsync(Actor actor, string runId, string key, string value, CancellationToken ct = default) =>
        LogBatchAsync(actor, runId, parameters: new Dictionary<string, string> { [key] = value }, ct: ct);

    public Task LogMetricAsync(Actor actor, string runId, MetricValue metric, CancellationToken ct = default) =>
        LogBatchAsync(actor, runId, metrics: [metric], ct: ct);

    public Task SetTagAsync(Actor actor, string runId, string key, string value, CancellationToken ct = default) =>
        LogBatchAsync(actor, runId, tags: new Dictionary<string, string> { [key] = value }, ct: ct);

    public Task DeleteTagAsync(Actor actor, string runId, string key, CancellationToken ct = default) =>
        store.WriteAsync(actor, async op =>
        {
            TrackingRules.DemandLog(op);
            var run = await FindAsync(op, runId);
            var tag = await op.Db.RunTags.FindAsync([run.Id, key], op.Ct)
                ?? throw RegistryError.NotFound($"No tag with name: {key} in run with id {runId}");
            op.Db.RunTags.Remove(tag);
        }, ct);

    /// <summary>Appends a logged model's MLmodel JSON to the run's model history tag, as MLflow's server does.</summary>
    public Task LogModelAsync(Actor actor, string runId, string modelJson, CancellationToken ct = default) =>
        store.WriteAsync(actor, async op =>
        {
            TrackingRules.DemandLog(op);
            System.Text.Json.Nodes.JsonNode model;
            try { model = System.Text.Json.Nodes.JsonNode.Parse(modelJson) ?? throw new System.Text.Json.JsonException(); }
            catch (System.Text.Json.JsonException) { throw RegistryError.InvalidValue("model_json is not valid JSON."); }
            var run = await FindAsync(op, runId);
            var tag = await op.Db.RunTags.FindAsync([run.Id, LoggedModelsTag], op.Ct);
            var history = tag is null ? new System.Text.Json.Nodes.JsonArray() : System.Text.Json.Nodes.JsonNode.Parse(tag.Value) as System.Text.Json.Nodes.JsonArray ?? [];
            history.Add(model);
            await SetTagAsync(op, run, LoggedModelsTag, history.ToJsonString(), checkLength: false);
        }, ct);

    public Task<IReadOnlyList<RunMetric>> MetricHistoryAsync(Actor actor, string runId, string key, CancellationToken ct = default) =>
        store.ReadAsync<IReadOnlyList<RunMetric>>(actor, async op =>
        {
            TrackingRules.DemandRead(op);
            var run = await FindAsync(op, runId);
            return await InHistoryOrder(op.Db.RunMetrics.Where(m => m.RunId == run.Id && m.Key == key)).ToListAsync(op.Ct);
        }, ct);

    /// <summary>A metric's values as its history shows them: by step, then time.</summary>
    private static IQueryable<RunMetric> InHistoryOrder(IQueryable<RunMetric> metrics) =>
        metrics.OrderBy(m => m.Step).ThenBy(m => m.Timestamp).ThenBy(m => m.Id);

    internal static async Task<Run> FindAsync(OperationContext op, string runId) =>
        await op.Db.Runs.FirstOrDefaultAsync(r => r.Id == runId, op.Ct)
        ?? throw RegistryError.NotFound($"Run with id={runId} not found");

    private static async Task<RunDetails> DetailsAsync(OperationContext op, Run run)
    {
        var parameters = await op.Db.RunParams.Where(p => p.RunId == run.Id).OrderBy(p => p.Key).ToListAsync(op.Ct);
        var tags = await op.Db.RunTags.Where(t => t.RunId == run.Id).OrderBy(t => t.Key).ToListAsync(op.Ct);
        var outputs = await op.Db.RunModelOutputs.Where(o => o.RunId == run.Id).OrderBy(o => o.Step).ThenBy(o => o.ModelId)
            .Select(o => new ModelOutput(o.ModelId, o.Step)).ToListAsync(op.Ct);
        return new RunDetails(run, parameters, tags, await LatestMetricsAsync(op, [run.Id]), outputs);
    }

    /// <summary>Reads a page of runs with their params, tags and latest metrics, in the page's order.</summary>
    internal static async Task<List<RunDetails>> DetailsAsync(OperationContext op, IQueryable<Run> page)
    {
        var runs = await page.Include(r => r.Params).Include(r => r.Tags).AsSplitQuery().ToListAsync(op.Ct);
        var ids = runs.Select(r => r.Id).ToList();
        var latest = (await LatestMetricsAsync(op, ids)).ToLookup(m => m.RunId);
        var outputs = (await op.Db.RunModelOutputs.Where(o => ids.Contains(o.RunId)).ToListAsync(op.Ct)).ToLookup(o => o.RunId);
        return runs.Select(r => new RunDetails(r, r.Params.OrderBy(p => p.Key, StringComparer.Ordinal).ToList(),
            r.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).ToList(), latest[r.Id].ToList(),
            outputs[r.Id].OrderBy(o => o.Step).ThenBy(o => o.ModelId, StringComparer.Ordinal).Select(o => new ModelOutput(o.ModelId, o.Step)).ToList())).ToList();
    }

    /// <summary>Each key's latest value: the highest step, then the latest timestamp (MLflow's rule).</summary>
    private static async Task<List<RunMetric>> LatestMetricsAsync(OperationContext op, List<string> runIds)
    {
        var all = await op.Db.RunMetrics.Where(m => runIds.Contains(m.RunId)).ToListAsync(op.Ct);
        return all.GroupBy(m => (m.RunId, m.Key))
            .Select(g => g.OrderByDescending(m => m.Step).ThenByDescending(m => m.Timestamp).ThenByDescending(m => m.Id).First())
            .OrderBy(m => m.Key).ToList();
    }

    /// <summary>Params are write-once: logging the same value again is fine, a different value is refused.</summary>
    private static async Task LogParamsAsync(OperationContext op, Run run, IReadOnlyDictionary<string, string> parameters)
    {
        foreach (var (key, value) in parameters)
        {
            TrackingRules.Key(key, "param");
            TrackingRules.Value(value, TrackingRules.MaxParamValueLength, "param", key);
            var existing = await op.Db.RunParams.FindAsync([run.Id, key], op.Ct);
            if (existing is null) op.Db.RunParams.Add(new RunParam { RunId = run.Id, Key = key, Value = value });
            else if (existing.Value != value)
                throw RegistryError.InvalidValue(
                    $"Changing param values is not allowed. Param with key='{key}' was already logged with value='{existing.Value}' for run ID='{run.Id}'. Attempted logging new value '{value}'.");
        }
    }

    private static async Task SetTagAsync(OperationContext op, Run run, string key, string value, bool checkLength = true)
    {
        TrackingRules.Key(key, "tag");
        if (checkLength) TrackingRules.Value(value, TrackingRules.MaxTagValueLength, "tag", key);
        var tag = await op.Db.RunTags.FindAsync([run.Id, key], op.Ct);
        if (tag is null) op.Db.RunTags.Add(new RunTag { RunId = run.Id, Key = key, Value = value });
        else tag.Value = value;
    }
}
