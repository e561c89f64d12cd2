using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;
using RegistryPortal.Security;

namespace RegistryPortal.Registry.History;

/// <summary>
/// The registry's history, answered from the activity: a model's stage timeline, the model and the models list as they
/// were at a moment ("as of"), and which versions were in a stage then. An event at exactly the asked time counts as done.
/// A model is found by the name it had then, also when it has been renamed or deleted since.
/// </summary>
public sealed class StageHistoryService(RegistryStore store)
{
    public Task<StageTimeline> TimelineAsync(Actor actor, string modelName, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            var model = await op.Db.ModelAsync(modelName, op.Ct);
            await op.DemandAsync(model, PermissionLevel.Read, "see its history");
            return await LatestPeriods.ReadAsync(op, model);
        }, ct);

    public Task<ModelAsOf> ModelAsOfAsync(Actor actor, string modelName, DateTime at, CancellationToken ct = default) =>
        store.ReadAsync(actor, op => ModelAsOfAsync(op, modelName, at), ct);

    /// <summary>The versions in <paramref name="stage"/> (any case) of the model at <paramref name="at"/>, by number.</summary>
    public Task<StageAt> StageAtAsync(Actor actor, string modelName, string stage, DateTime at, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            var wanted = Stages.Parse(stage);
            var model = await ModelAsOfAsync(op, modelName, at);
            return new StageAt(model.Name, wanted, at, model.In(wanted).Select(v => new StageHolder(v.Version, v.MovedIn)).ToList());
        }, ct);

    /// <summary>The models that existed at <paramref name="at"/> under their names then, sorted by that name; <paramref name="text"/> filters names.</summary>
    public Task<Page<ModelSummaryAsOf>> ModelsAsOfAsync(Actor actor, DateTime at, string? text, int pageIndex, int pageSize, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            ActivityKind[] lifecycle = [ActivityKind.ModelCreated, ActivityKind.ModelRenamed, ActivityKind.ModelDeleted];
            var events = await op.Db.Activity.Where(e => lifecycle.Contains(e.Kind) && e.At <= at && e.ModelId != null)
                .OrderBy(e => e.At).ThenBy(e => e.Id)
                .Select(e => new { ModelId = e.ModelId!.Value, e.Kind, e.ModelName, e.At, e.UserId }).ToListAsync(op.Ct);
            var existing = await PermissionResolver.Readable(op.Db, op.Access)
                .Select(m => new { m.Id, m.Name, m.CreatedAt, m.CreatedById }).ToDictionaryAsync(m => m.Id, op.Ct);
            var models = new Dictionary<int, (string Name, DateTime CreatedAt, string CreatedBy, bool Deleted)>();
            foreach (var e in events)
            {
                var known = models.TryGetValue(e.ModelId, out var m);
                models[e.ModelId] = (e.ModelName, known ? m.CreatedAt : e.At, known ? m.CreatedBy : e.UserId, e.Kind == ActivityKind.ModelDeleted);
            }
            // A model made without a creation event (imported data) counts from its row, under today's name.
            foreach (var m in existing.Values.Where(m => m.CreatedAt <= at && !models.ContainsKey(m.Id)))
                models[m.Id] = (m.Name, m.CreatedAt, m.CreatedById, false);
            // A deleted model's grants went with it: its history is for those whose role reads every model.
            var mayReadDeleted = op.Access.RoleLevel >= PermissionLevel.Read;
            var filter = string.IsNullOrWhiteSpace(text) ? null : ModelName.Normalize(text.Trim());
            var visible = models
                .Where(m => !m.Value.Deleted && (existing.ContainsKey(m.Key) || mayReadDeleted))
                .Where(m => filter is null || ModelName.Normalize(m.Value.Name).Contains(filter))
                .OrderBy(m => ModelName.Normalize(m.Value.Name), StringComparer.Ordinal).ToList();
            var size = Math.Clamp(pageSize, 1, 500);
            var index = Math.Max(0, pageIndex);
            var page = visible.Skip(index * size).Take(size).ToList();
            var names = await op.Db.UserNamesAsync(page.Select(m => m.Value.CreatedBy), op.Ct);
            var items = page.Select(m => new ModelSummaryAsOf(m.Value.Name, existing.GetValueOrDefault(m.Key)?.Name, m.Value.CreatedAt, names(m.Value.CreatedBy))).ToList();
            return new Page<ModelSummaryAsOf>(items, visible.Count, index, size);
        }, ct);

    private static async Task<ModelAsOf> ModelAsOfAsync(OperationContext op, string modelName, DateTime at)
    {
        var (modelId, current) = await ResolveAsync(op, modelName, at);
        var history = await ReplayAsync(op, modelId, at);
        var names = await op.Db.UserNamesAsync(history.Versions().Select(v => v.MovedIn?.MovedBy), op.Ct);
        var versions = history.Versions().Select(v => v with { MovedIn = Named(v.MovedIn, names) }).ToList();
        // Without a description event up to then, the description is today's only if it never changed.
        var description = history.DescriptionKnown ? history.Description
            : current is not null && !await op.Db.Activity.AnyAsync(e => e.ModelId == modelId && e.Kind == ActivityKind.ModelDescribed, op.Ct)
                ? current.Description : null;
        return new ModelAsOf(history.Name ?? current?.Name ?? modelName, at, current?.Name, description, history.CreatedAt ?? current?.CreatedAt,
            versions, history.Aliases(), versions.Any(v => v.Description is null));
    }

    /// <summary>
    /// The model called <paramref name="name"/> at <paramref name="at"/>: one created or renamed to that name by then (it may be
    /// deleted or renamed since), else the model of that name today if it existed then under another name; the caller's Read on it checked.
    /// </summary>
    private static async Task<(int ModelId, RegisteredModel? Current)> ResolveAsync(OperationContext op, string name, DateTime at)
    {
        ModelName.Validate(name);
        var normalized = ModelName.Normalize(name);
        var candidates = await op.Db.Activity
            .Where(e => (e.Kind == ActivityKind.ModelCreated || e.Kind == ActivityKind.ModelRenamed) && e.At <= at && e.ModelName == name && e.ModelId != null)
            .Select(e => e.ModelId!.Value).Distinct().ToListAsync(op.Ct);
        var today = await op.Db.Models.FirstOrDefaultAsync(m => m.NormalizedName == normalized, op.Ct);
        if (today is not null && !candidates.Contains(today.Id)) candidates.Add(today.Id);
        (int Id, RegisteredModel? Current)? found = null;
        foreach (var id in candidates)
        {
            var last = await op.Db.Activity.Where(e => e.ModelId == id && e.At <= at)
                .OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Select(e => new { e.Kind, e.ModelName }).FirstOrDefaultAsync(op.Ct);
            var current = today?.Id == id ? today : await op.Db.Models.FirstOrDefaultAsync(m => m.Id == id, op.Ct);
            var existed = last is not null ? last.Kind != ActivityKind.ModelDeleted : current is not null && current.CreatedAt <= at;
            if (!existed) continue;
            var hadTheName = last is null || ModelName.Normalize(last.ModelName) == normalized;
            // Today's model of that name, called otherwise then, is the answer only when no model had the name then.
            if (hadTheName || (found is null && current == today)) found = (id, current);
            if (hadTheName) break;
        }
        if (found is { } model)
        {
            if (model.Current is not null) await op.DemandAsync(model.Current, PermissionLevel.Read, "see its history");
            if (model.Current is not null || op.Access.RoleLevel >= PermissionLevel.Read) return model;
        }
        throw RegistryError.NotFound($"There was no model '{name}' on {at:yyyy-MM-dd HH:mm:ss} UTC. The models list as of that time shows the names then.");
    }

    private static async Task<ModelHistory> ReplayAsync(OperationContext op, int modelId, DateTime at)
    {
        var events = op.Db.Activity.Where(e => e.ModelId == modelId && ModelHistory.StateKinds.Contains(e.Kind) && e.At <= at);
        var history = new ModelHistory();
        await foreach (var e in events.OrderBy(e => e.At).ThenBy(e => e.Id)
            .Select(e => new HistoryEvent(e.Id, e.At, e.Kind, e.ModelName, e.VersionNumber, e.FromStage, e.ToStage, e.UserId, e.Comment, e.Detail, e.RequestId, e.Key, e.Value))
            .AsAsyncEnumerable().WithCancellation(op.Ct))
            history.Apply(e);
        return history;
    }

    private static StageMoveInfo? Named(StageMoveInfo? info, Func<string?, string> names) =>
        info is null ? null : info with { MovedBy = names(info.MovedBy) };
}
