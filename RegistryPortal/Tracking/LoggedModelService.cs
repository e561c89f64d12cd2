using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Security;

namespace RegistryPortal.Tracking;

/// <summary>A logged model with its params, tags and metrics, each sorted by key.</summary>
public sealed record LoggedModelDetails(
    LoggedModel Info, IReadOnlyList<LoggedModelParam> Params, IReadOnlyList<LoggedModelTag> Tags, IReadOnlyList<LoggedModelMetric> Metrics);

/// <summary>What <c>logged-models</c> (create) sends; a model without a name gets one.</summary>
public sealed record NewLoggedModel(
    int ExperimentId, string? Name = null, string? SourceRunId = null, string? ModelType = null,
    IReadOnlyDictionary<string, string>? Params = null, IReadOnlyDictionary<string, string>? Tags = null);

/// <summary>A model a run produced, at a step (<c>runs/outputs</c>).</summary>
public sealed record ModelOutput(string ModelId, long Step);

/// <summary>
/// MLflow 3's logged models: create (PENDING), finalize (READY or UPLOAD_FAILED), tags, delete, search, and the
/// link from a run to the models it produced. Permissions are those of runs: the Editor role logs, Reader reads.
/// A deleted model answers as one that does not exist, as MLflow's server does.
/// </summary>
public sealed partial class LoggedModelService(RegistryStore store)
{
    /// <summary>The tag MLflow keeps on a logged model listing the versions registered from it.</summary>
    public const string ModelVersionsTag = "mlflow.modelVersions";

    public Task<LoggedModelDetails> CreateAsync(Actor actor, NewLoggedModel request, CancellationToken ct = default) =>
        store.WriteAsync(actor, async op =>
        {
            TrackingRules.DemandLog(op);
            var experiment = await op.Db.Experiments.FirstOrDefaultAsync(e => e.Id == request.ExperimentId, op.Ct)
                ?? throw RegistryError.NotFound($"No Experiment with id={request.ExperimentId} exists");
            if (experiment.LifecycleStage != LifecycleStages.Active)
                throw RegistryError.InvalidValue(
                    $"The experiment {request.ExperimentId} must be in the 'active' state. Current state is {experiment.LifecycleStage}.");
            var sourceRunId = string.IsNullOrWhiteSpace(request.SourceRunId) ? "" : request.SourceRunId.Trim();
            if (sourceRunId.Length > 0)
            {
                var run = await RunService.FindAsync(op, sourceRunId);
                if (run.ExperimentId != experiment.Id)
                    throw RegistryError.InvalidValue(
                        $"Run {sourceRunId} belongs to experiment {run.ExperimentId}, not {experiment.Id}: log the model to the run's experiment.");
            }
            var id = "m-" + Guid.NewGuid().ToString("N");
            var now = TrackingRules.ToEpochMs(op.Now);
            var name = string.IsNullOrEmpty(request.Name) ? $"model-{id[2..10]}" : ValidName(request.Name);
            var model = new LoggedModel
            {
                Id = id, ExperimentId = experiment.Id, Name = name, SourceRunId = sourceRunId, ModelType = request.ModelType ?? "",
                ArtifactUri = $"{experiment.ArtifactLocation.TrimEnd('/')}/models/{id}/artifacts",
                CreatedById = op.Actor.UserId, CreationTime = now, LastUpdatedTime = now,
            };
            foreach (var (key, value) in request.Params ?? new Dictionary<string, string>())
            {
                TrackingRules.Key(key, "param");
                TrackingRules.Value(value, TrackingRules.MaxParamValueLength, "param", key);
                model.Params.Add(new LoggedModelParam { ModelId = id, Key = key, Value = value });
            }
            foreach (var (key, value) in request.Tags ?? new Dictionary<string, string>())
            {
                TrackingRules.Key(key, "tag");
                TrackingRules.Value(value, TrackingRules.MaxTagValueLength, "tag", key);
                model.Tags.Add(new LoggedModelTag { ModelId = id, Key = key, Value = value });
            }
            op.Db.LoggedModels.Add(model);
            return Details(model, model.Params, model.Tags, []);
        }, ct);

    /// <param name="allowDeleted">Also answer a deleted model (MLflow's <c>allow_deleted=true</c>).</param>
    public Task<LoggedModelDetails> GetAsync(Actor actor, string modelId, bool allowDeleted = false, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            TrackingRules.DemandRead(op);
            return await FindDetailsAsync(op, modelId, allowDeleted);
        }, ct);

    private static async Task<LoggedModelDetails> FindDetailsAsync(OperationContext op, string modelId, bool allowDeleted)
    {
        var found = await DetailsAsync(op, op.Db.LoggedModels.Where(m => m.Id == modelId
            && (allowDeleted || m.LifecycleStage == LifecycleStages.Active)));
        return found.SingleOrDefault() ?? throw NotFound(modelId);
    }

    /// <summary>Ends the upload: READY when every file arrived, UPLOAD_FAILED when not. Finalizing twice is refused.</summary>
    public Task<LoggedModelDetails> FinalizeAsync(Actor actor, string modelId, string status, CancellationToken ct = default) =>
        store.WriteAsync(actor, async op =>
        {
            TrackingRules.DemandLog(op);
            var wanted = status?.Trim() switch
            {
                LoggedModelStatuses.Ready => LoggedModelStatuses.Ready,
                LoggedModelStatuses.UploadFailed => LoggedModelStatuses.UploadFailed,
                _ => throw RegistryError.InvalidValue(
                    $"Invalid value '{status}' for parameter 'status': a logged model is finalized as {LoggedModelStatuses.Ready} or {LoggedModelStatuses.UploadFailed}."),
            };
            var model = await FindAsync(op, modelId);
            if (model.Status != LoggedModelStatuses.Pending)
                throw RegistryError.InvalidValue(
                    $"Logged model {modelId} is already finalized as {model.Status}; only a {LoggedModelStatuses.Pending} model can be finalized.");
            model.Status = wanted;
            model.LastUpdatedTime = TrackingRules.ToEpochMs(op.Now);
            await op.Db.SaveChangesAsync(op.Ct); // the answer is read back inside this write's transaction
            return await DetailsAsync(op, model);
        }, ct);

    /// <summary>Deletes a logged model (kept as deleted, as MLflow does: its files and the versions registered from it stay).</summary>
    public Task DeleteAsync(Actor actor, string modelId, CancellationToken ct = default) =>
        store.WriteAsync(actor, async op =>
        {
            TrackingRules.DemandLog(op);
            var model = await FindAsync(op, modelId);
            model.LifecycleStage = LifecycleStages.Deleted;
            model.LastUpdatedTime = TrackingRules.ToEpochMs(op.Now);
        }, ct);

    public Task SetTagsAsync(Actor actor, string modelId, IReadOnlyDictionary<string, string> tags, CancellationToken ct = default) =>
        store.WriteAsync(actor, async op =>
        {
            TrackingRules.DemandLog(op);
            var model = await FindAsync(op, modelId);
            foreach (var (key, value) in tags) await SetTagAsync(op, model, key, value);
        }, ct);

    public Task DeleteTagAsync(Actor actor, string modelId, string key, CancellationToken ct = default) =>
        store.WriteAsync(actor, async op =>
        {
            TrackingRules.DemandLog(op);
            var model = await FindAsync(op, modelId);
            var tag = await op.Db.LoggedModelTags.FindAsync([model.Id, key], op.Ct)
                ?? throw RegistryError.NotFound($"No tag with key '{key}' found for model with ID '{modelId}'.");
            op.Db.LoggedModelTags.Remove(tag);
            model.LastUpdatedTime = TrackingRules.ToEpochMs(op.Now);
        }, ct);

    /// <summary>Records that a run produced these models (MLflow's LogOutputs); logging the same model again updates its step.</summary>
    public Task LogOutputsAsync(Actor actor, string runId, IReadOnlyList<ModelOutput> outputs, CancellationToken ct = default) =>
        store.WriteAsync(actor, async op =>
        {
            TrackingRules.DemandLog(op);
            var run = await RunService.FindAsync(op, runId);
            if (run.LifecycleStage != LifecycleStages.Active) throw RegistryError.InvalidValue($"Run '{runId}' is deleted: it cannot be logged to.");
            foreach (var output in outputs)
            {
                var model = await FindAsync(op, output.ModelId);
                var existing = await op.Db.RunModelOutputs.FindAsync([run.Id, model.Id], op.Ct);
                if (existing is null) op.Db.RunModelOutputs.Add(new RunModelOutput { RunId = run.Id, ModelId = model.Id, Step = output.Step });
                else existing.Step = output.Step;
            }
        }, ct);

    /// <summary>The logged models a run produced or that name it as their source, newest first: the run page's list.</summary>
    public Task<IReadOnlyList<LoggedModelDetails>> ForRunAsync(Actor actor, string runId, CancellationToken ct = default) =>
        store.ReadAsync<IReadOnlyList<LoggedModelDetails>>(actor, async op =>
        {
            TrackingRules.DemandRead(op);
            var run = await RunService.FindAsync(op, runId);
            var outputs = op.Db.RunModelOutputs.Where(o => o.RunId == run.Id).Select(o => o.ModelId);
            var models = op.Db.LoggedModels
                .Where(m => m.LifecycleStage == LifecycleStages.Active && (m.SourceRunId == run.Id || outputs.Contains(m.Id)))
                .OrderByDescending(m => m.CreationTime).ThenBy(m => m.Id);
            return await DetailsAsync(op, models);
        }, ct);

    /// <summary>
    /// Links metrics a run logged with a <c>model_id</c> to those logged models, in the caller's write. A model that
    /// does not exist (or is deleted) refuses the whole batch.
    /// </summary>
    internal static async Task LinkMetricsAsync(OperationContext op, Run run, IEnumerable<(MetricValue Metric, string ModelId)> metrics)
    {
        var added = new HashSet<(string, string, long, long)>();
        var models = new Dictionary<string, LoggedModel>(StringComparer.Ordinal);
        foreach (var (metric, modelId) in metrics)
        {
            if (!models.TryGetValue(modelId, out var model)) models[modelId] = model = await FindAsync(op, modelId);
            // One value per (model, key, timestamp, step) of a run, as MLflow's key for these rows: a repeat is not added again.
            if (!added.Add((model.Id, metric.Key, metric.Timestamp, metric.Step))
                || await op.Db.LoggedModelMetrics.AnyAsync(m => m.ModelId == model.Id && m.RunId == run.Id && m.Key == metric.Key
                    && m.Timestamp == metric.Timestamp && m.Step == metric.Step, op.Ct))
                continue;
            op.Db.LoggedModelMetrics.Add(new LoggedModelMetric
            {
                ModelId = model.Id, RunId = run.Id, Key = metric.Key, Value = metric.Value, Timestamp = metric.Timestamp, Step = metric.Step,
            });
        }
    }

    /// <summary>
    /// Adds a registered version to the logged model's <c>mlflow.modelVersions</c> tag, as MLflow's server does when a
    /// version is created from it; in the registering write, so the two never disagree.
    /// </summary>
    internal static async Task RecordRegistrationAsync(OperationContext op, string modelId, string registeredName, int version)
    {
        var model = await FindAsync(op, modelId);
        var tag = await op.Db.LoggedModelTags.FindAsync([model.Id, ModelVersionsTag], op.Ct);
        System.Text.Json.Nodes.JsonArray list;
        try { list = tag is null ? [] : System.Text.Json.Nodes.JsonNode.Parse(tag.Value) as System.Text.Json.Nodes.JsonArray ?? []; }
        catch (System.Text.Json.JsonException) { list = []; } // a client wrote something else there: start the list anew
        list.Add(new System.Text.Json.Nodes.JsonObject { ["name"] = registeredName, ["version"] = version });
        await SetTagAsync(op, model, ModelVersionsTag, list.ToJsonString(), checkLength: false);
    }

    /// <summary>MLflow's rule: a logged model's name is a non-empty path segment without '/', ':', '.', '%' or quotes.</summary>
    private static string ValidName(string name)
    {
        if (name.Trim().Length == 0 || name.IndexOfAny(['/', ':', '.', '%', '"', '\'']) >= 0)
            throw RegistryError.InvalidValue(
                $"Invalid model name ('{name}') provided. Model name must be a non-empty string and cannot contain the following characters: ('/', ':', '.', '%', '\"', \"'\")");
        if (name.Length > TrackingRules.MaxKeyLength)
            throw RegistryError.InvalidValue($"A logged model's name is at most {TrackingRules.MaxKeyLength} characters; '{name[..20]}…' has {name.Length}.");
        return name;
    }

    /// <summary>The logged model, if it exists and is not deleted; the caller checks the permission first.</summary>
    internal static async Task<LoggedModel> FindAsync(OperationContext op, string modelId) =>
        await op.Db.LoggedModels.FirstOrDefaultAsync(m => m.Id == modelId && m.LifecycleStage == LifecycleStages.Active, op.Ct)
        ?? throw NotFound(modelId);

    private static RegistryError NotFound(string modelId) => RegistryError.NotFound($"Logged model with ID '{modelId}' not found.");

    private static async Task SetTagAsync(OperationContext op, LoggedModel model, string key, string value, bool checkLength = true)
    {
        TrackingRules.Key(key, "tag");
        if (checkLength) TrackingRules.Value(value, TrackingRules.MaxTagValueLength, "tag", key);
        var tag = await op.Db.LoggedModelTags.FindAsync([model.Id, key], op.Ct);
        if (tag is null) op.Db.LoggedModelTags.Add(new LoggedModelTag { ModelId = model.Id, Key = key, Value = value });
        else tag.Value = value;
        model.LastUpdatedTime = TrackingRules.ToEpochMs(op.Now);
    }

    private static async Task<LoggedModelDetails> DetailsAsync(OperationContext op, LoggedModel model) =>
        (await DetailsAsync(op, op.Db.LoggedModels.Where(m => m.Id == model.Id))).Single();

    /// <summary>Reads models with their params, tags and metrics, in the query's order.</summary>
    private static async Task<List<LoggedModelDetails>> DetailsAsync(OperationContext op, IQueryable<LoggedModel> query)
    {
        var models = await query.Include(m => m.Params).Include(m => m.Tags).AsSplitQuery().ToListAsync(op.Ct);
        var ids = models.Select(m => m.Id).ToList();
        var metrics = (await op.Db.LoggedModelMetrics.Where(m => ids.Contains(m.ModelId)).ToListAsync(op.Ct)).ToLookup(m => m.ModelId);
        return models.Select(m => Details(m, m.Params, m.Tags, metrics[m.Id])).ToList();
    }

    private static LoggedModelDetails Details(LoggedModel model, IEnumerable<LoggedModelParam> parameters, IEnumerable<LoggedModelTag> tags,
        IEnumerable<LoggedModelMetric> metrics) => new(model,
        parameters.OrderBy(p => p.Key, StringComparer.Ordinal).ToList(),
        tags.OrderBy(t => t.Key, StringComparer.Ordinal).ToList(),
        metrics.OrderBy(m => m.Key, StringComparer.Ordinal).ThenBy(m => m.Step).ThenBy(m => m.Timestamp).ThenBy(m => m.Id).ToList());
}
