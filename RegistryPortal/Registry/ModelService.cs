using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;
using RegistryPortal.Registry.Search;
using RegistryPortal.Security;

namespace RegistryPortal.Registry;

/// <summary>Registered models: create, read, list, rename, delete, description, tags, settings.</summary>
public sealed class ModelService(RegistryStore store, RegistryCopies copies)
{
    /// <summary>Creates a model; the answer is the model as this write left it, read inside its own transaction.</summary>
    public Task<RegisteredModelView> CreateAsync(Actor actor, string name, string? description = null,
        IReadOnlyDictionary<string, string>? tags = null, CancellationToken ct = default) =>
        store.WriteAsync(actor, async op =>
        {
            if (!op.Access.RoleLevel.Allows(Ability.Edit))
                throw RegistryError.PermissionDenied("You need the Editor role (or higher) to create a model. Ask an admin.");
            ModelName.Validate(name);
            Descriptions.Validate(description);
            foreach (var (key, value) in tags ?? new Dictionary<string, string>()) TagRules.Validate(key, value);
            await EnsureNameFreeAsync(op, name, exceptModelId: null);
            var model = new RegisteredModel
            {
                Name = name, NormalizedName = ModelName.Normalize(name), Description = description ?? "",
                CreatedById = op.Actor.UserId, CreatedAt = op.Now, UpdatedAt = op.Now, ConcurrencyStamp = Guid.NewGuid(),
                Tags = (tags ?? new Dictionary<string, string>()).Select(t => new ModelTag { Key = t.Key, Value = t.Value }).ToList(),
            };
            op.Db.Models.Add(model);
            await op.Db.SaveChangesAsync(op.Ct); // gives the model its id for the activity event
            op.Record(ActivityKind.ModelCreated, model, comment: description ?? "");
            return await AnswerAsync(op, model);
        }, ct);

    /// <summary>
    /// What a write answers: the model as this write left it, saved and read inside the write's own transaction, so
    /// it never shows another client's change that committed just after this one.
    /// </summary>
    private static async Task<RegisteredModelView> AnswerAsync(OperationContext op, RegisteredModel model)
    {
        await op.Db.SaveChangesAsync(op.Ct);
        return (await RegisteredModelViews.BuildAsync(op, [model]))[0];
    }

    /// <summary>Why <paramref name="name"/> cannot be a new model's name, or null when it can: for checking as the user types.</summary>
    public Task<string?> NameProblemAsync(Actor actor, string? name, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            if (ModelName.Problem(name) is { } problem) return problem;
            var normalized = ModelName.Normalize(name!);
            return await op.Db.Models.AnyAsync(m => m.NormalizedName == normalized, op.Ct)
                ? $"A model named '{name}' already exists (names are compared ignoring case)."
                : null;
        }, ct);

    public Task<ModelDetails> GetAsync(Actor actor, string name, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            var model = await op.Db.ModelAsync(name, op.Ct);
            var level = await op.DemandAsync(model, PermissionLevel.Read, "see it");
            var db = op.Db;
            var stages = await db.Versions.Where(v => v.ModelId == model.Id)
                .GroupBy(v => v.Stage).Select(g => new { Stage = g.Key, Count = g.Count(), Max = g.Max(v => v.Number) })
                .ToListAsync(op.Ct);
            var tags = await db.ModelTags.Where(t => t.ModelId == model.Id).OrderBy(t => t.Key).ToDictionaryAsync(t => t.Key, t => t.Value, op.Ct);
            var aliases = await db.Aliases.Where(a => a.ModelId == model.Id).OrderBy(a => a.Alias)
                .Select(a => new AliasView(a.Alias, a.Version!.Number)).ToListAsync(op.Ct);
            var names = await db.UserNamesAsync([model.CreatedById], op.Ct);
            var live = stages.Where(s => s.Stage.IsLive()).Sum(s => s.Count);
            var fourEyes = await RegistrySettingsService.FourEyesOnAsync(op, model);
            return new ModelDetails(
                model.Name, model.Description, names(model.CreatedById), model.CreatedById, model.CreatedAt, model.UpdatedAt,
                stages.Sum(s => s.Count), stages.Count == 0 ? null : stages.Max(s => s.Max), model.OneVersionPerStage,
                model.ConcurrencyStamp, tags, aliases, level,
                !level.Allows(Ability.Manage) ? "Renaming a model takes the Manage permission." : live > 0 ? RenameGuard(model) : null,
                !level.Allows(Ability.Manage) ? "Deleting a model takes the Manage permission." : live > 0 ? DeleteGuard(model) : null,
                fourEyes, model.FourEyes is null,
                !level.Allows(Ability.Manage) ? "Changing four-eyes protection takes the Manage permission."
                : fourEyes && !op.Access.IsAdmin ? FourEyesOffGuard(model) : null);
        }, ct);

    public Task<Page<ModelSummary>> ListAsync(Actor actor, ModelQuery query, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            var models = PermissionResolver.Readable(op.Db, op.Access);
            if (RegistryFilter.LooksLikeFilter(query.Text))
                models = RegistryFilter.ForModels(query.Text).ApplyTo(models, op.Db);
            else if (!string.IsNullOrWhiteSpace(query.Text))
            {
                var text = ModelName.Normalize(query.Text.Trim());
                models = models.Where(m => m.NormalizedName.Contains(text));
            }
            var total = await models.CountAsync(op.Ct);
            models = query.Sort switch
            {
                ModelSort.NameDescending => models.OrderByDescending(m => m.NormalizedName),
                ModelSort.UpdatedNewest => models.OrderByDescending(m => m.UpdatedAt).ThenBy(m => m.NormalizedName),
                ModelSort.UpdatedOldest => models.OrderBy(m => m.UpdatedAt).ThenBy(m => m.NormalizedName),
                _ => models.OrderBy(m => m.NormalizedName),
            };
            var pageSize = Math.Clamp(query.PageSize, 1, 500);
            var pageIndex = Math.Max(0, query.PageIndex);
            var page = await models.Skip(pageIndex * pageSize).Take(pageSize).ToListAsync(op.Ct);
            return new Page<ModelSummary>(await SummariesAsync(op, page), total, pageIndex, pageSize);
        }, ct);

    public Task<RegisteredModelView> RenameAsync(Actor actor, string name, string newName, CancellationToken ct = default) =>
        store.WriteAsync(actor, async op =>
        {
            var model = await op.Db.ModelAsync(name, op.Ct);
            await op.DemandAsync(model, PermissionLevel.Manage, "rename it");
            ModelName.Validate(newName);
            if (newName == model.Name) throw RegistryError.InvalidValue($"The model is already called '{newName}'.");
            if (await HasLiveVersionsAsync(op, model)) throw RegistryError.InvalidValue(RenameGuard(model));
            await EnsureNameFreeAsync(op, newName, exceptModelId: model.Id);
            var oldName = model.Name;
            model.Name = newName;
            model.NormalizedName = ModelName.Normalize(newName);
            model.UpdatedAt = op.Now;
            op.Record(ActivityKind.ModelRenamed, model, detail: $"renamed from '{oldName}' to '{newName}'");
            return await AnswerAsync(op, model);
        }, ct);

    /// <summary>Deletes a model with its versions, then (once that has committed) the registry's copies of their files.</summary>
    public async Task DeleteAsync(Actor actor, string name, CancellationToken ct = default)
    {
        var locations = await store.WriteAsync(actor, async op =>
        {
            var model = await op.Db.ModelAsync(name, op.Ct);
            await op.DemandAsync(model, PermissionLevel.Manage, "delete it");
            if (await HasLiveVersionsAsync(op, model)) throw RegistryError.InvalidValue(DeleteGuard(model));
            op.Record(ActivityKind.ModelDeleted, model, detail: $"deleted with {model.LastVersionNumber} version(s) ever registered");
            var files = await op.Db.Versions.Where(v => v.ModelId == model.Id).Select(v => new { v.StorageLocation, v.Source }).ToListAsync(op.Ct);
            // Versions, tags, aliases, requests and grants go with the model (cascade); activity stays.
            op.Db.Models.Remove(model);
            return files.SelectMany(f => new[] { f.StorageLocation, f.Source }).ToList();
        }, ct);
        await copies.RemoveUnreferencedAsync(locations);
    }

    /// <summary>
    /// Replaces the description. With <paramref name="editedFrom"/> (the text the editor started from), a save
    /// over someone else's newer save is refused as a conflict instead of overwriting it.
    /// </summary>
    public Task<RegisteredModelView> UpdateDescriptionAsync(Actor actor, string name, string description, string? editedFrom = null, CancellationToken ct = default) =>
        store.WriteModelAsync(actor, async op =>
        {
            var model = await op.ModelToChangeAsync(name, PermissionLevel.Edit, "edit its description");
            Descriptions.Validate(description);
            Descriptions.EnsureNotStale(model.Description, editedFrom, $"'{model.Name}'");
            model.Description = description;
            model.UpdatedAt = op.Now;
            op.Record(ActivityKind.ModelDescribed, model, comment: description);
            return await AnswerAsync(op, model);
        }, ct);

    public Task SetTagAsync(Actor actor, string name, string key, string value, CancellationToken ct = default) =>
        store.WriteModelAsync(actor, async op =>
        {
            var model = await op.ModelToChangeAsync(name, PermissionLevel.Edit, "edit its tags");
            TagRules.Validate(key, value);
            var tag = await op.Db.ModelTags.FindAsync([model.Id, key], op.Ct);
            if (tag is null) op.Db.ModelTags.Add(new ModelTag { ModelId = model.Id, Key = key, Value = value });
            else tag.Value = value;
            model.UpdatedAt = op.Now;
            op.Record(ActivityKind.ModelTagged, model, detail: $"{key} = {value}");
        }, ct);

    public Task DeleteTagAsync(Actor actor, string name, string key, CancellationToken ct = default) =>
        store.WriteModelAsync(actor, async op =>
        {
            var model = await op.ModelToChangeAsync(name, PermissionLevel.Edit, "edit its tags");
            var tag = await op.Db.ModelTags.FindAsync([model.Id, key], op.Ct)
                ?? throw RegistryError.NotFound($"Model '{model.Name}' has no tag '{key}'.");
            op.Db.ModelTags.Remove(tag);
            model.UpdatedAt = op.Now;
            op.Record(ActivityKind.ModelUntagged, model, detail: key);
        }, ct);

    /// <summary>With one version per stage, every move to Staging or Production archives the version already there.</summary>
    public Task SetOneVersionPerStageAsync(Actor actor, string name, bool enabled, CancellationToken ct = default) =>
        store.WriteModelAsync(actor, async op =>
        {
            var model = await op.ModelToChangeAsync(name, PermissionLevel.Manage, "change its settings");
            model.OneVersionPerStage = enabled;
            model.UpdatedAt = op.Now;
            op.Record(ActivityKind.ModelSettingsChanged, model, detail: $"one version per stage {(enabled ? "on" : "off")}");
        }, ct);

    /// <summary>
    /// Four-eyes protection for this model: on, off, or null to follow the registry's default. Manage holders turn it
    /// on; turning it off where it is on takes an admin, or a model's creator could lift their own change control.
    /// </summary>
    public Task SetFourEyesAsync(Actor actor, string name, bool? enabled, CancellationToken ct = default) =>
        store.WriteModelAsync(actor, async op =>
        {
            var model = await op.FindModelAsync(name);
            await op.DemandAsync(model, PermissionLevel.Manage, "change its settings");
            var byDefault = await RegistrySettingsService.FourEyesByDefaultAsync(op);
            var (before, after) = (model.FourEyes ?? byDefault, enabled ?? byDefault);
            if (before && !after && !op.Access.IsAdmin) throw RegistryError.PermissionDenied(FourEyesOffGuard(model));
            model.FourEyes = enabled;
            model.UpdatedAt = op.Now;
            op.Record(ActivityKind.FourEyesChanged, model,
                detail: $"four-eyes protection {(enabled is null ? $"follows the registry default ({OnOff(byDefault)})" : OnOff(after))}");
        }, ct);

    private static string OnOff(bool on) => on ? "on" : "off";

    private static string FourEyesOffGuard(RegisteredModel model) =>
        $"Only an admin turns four-eyes protection off for '{model.Name}': it is the change control of its Production versions.";

    private static async Task EnsureNameFreeAsync(OperationContext op, string name, int? exceptModelId)
    {
        var normalized = ModelName.Normalize(name);
        var taken = await op.Db.Models.Where(m => m.NormalizedName == normalized && m.Id != exceptModelId)
            .Select(m => m.Name).FirstOrDefaultAsync(op.Ct);
        if (taken is not null)
            throw new RegistryError(ErrorKind.AlreadyExists,
                $"A model named '{taken}' already exists (names are compared ignoring case). Choose another name.")
            {
                Subject = new ErrorSubject(name),
            };
    }

    private static Task<bool> HasLiveVersionsAsync(OperationContext op, RegisteredModel model) =>
        op.Db.Versions.Where(v => v.ModelId == model.Id).Where(Stages.LiveVersion).AnyAsync(op.Ct);

    private static string RenameGuard(RegisteredModel model) =>
        $"'{model.Name}' has versions in Staging or Production: move them to None or Archived before renaming it.";

    private static string DeleteGuard(RegisteredModel model) =>
        $"'{model.Name}' has versions in Staging or Production: move them to None or Archived before deleting it.";

    private static async Task<IReadOnlyList<ModelSummary>> SummariesAsync(OperationContext op, List<RegisteredModel> models)
    {
        var ids = models.Select(m => m.Id).ToList();
        var db = op.Db;
        var latest = await db.Versions.Where(v => ids.Contains(v.ModelId)).GroupBy(v => v.ModelId)
            .Select(g => new { ModelId = g.Key, Latest = g.Max(v => v.Number) }).ToDictionaryAsync(x => x.ModelId, x => x.Latest, op.Ct);
        var live = await db.Versions.Where(v => ids.Contains(v.ModelId)).Where(Stages.LiveVersion)
            .Select(v => new { v.ModelId, v.Number, v.Stage }).ToListAsync(op.Ct);
        var tags = await db.ModelTags.Where(t => ids.Contains(t.ModelId)).ToListAsync(op.Ct);
        var aliases = await db.Aliases.Where(a => ids.Contains(a.ModelId))
            .Select(a => new { a.ModelId, a.Alias, a.Version!.Number }).ToListAsync(op.Ct);
        var pending = await db.TransitionRequests.Where(r => ids.Contains(r.ModelId) && r.Status == RequestStatus.Pending)
            .GroupBy(r => r.ModelId).Select(g => new { ModelId = g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.ModelId, x => x.Count, op.Ct);
        var names = await db.UserNamesAsync(models.Select(m => m.CreatedById), op.Ct);
        return models.Select(m => new ModelSummary(
            m.Name,
            latest.TryGetValue(m.Id, out var n) ? n : null,
            live.Where(v => v.ModelId == m.Id && v.Stage == Stage.Staging).Select(v => v.Number).OrderDescending().ToList(),
            live.Where(v => v.ModelId == m.Id && v.Stage == Stage.Production).Select(v => v.Number).OrderDescending().ToList(),
            aliases.Where(a => a.ModelId == m.Id).OrderBy(a => a.Alias).Select(a => new AliasView(a.Alias, a.Number)).ToList(),
            tags.Where(t => t.ModelId == m.Id).OrderBy(t => t.Key).ToDictionary(t => t.Key, t => t.Value),
            names(m.CreatedById), m.CreatedAt, m.UpdatedAt, pending.GetValueOrDefault(m.Id))).ToList();
    }

    /// <summary>The model as MLflow returns it: with tags, aliases and its latest READY version in each stage.</summary>
    public Task<RegisteredModelView> GetRegisteredModelAsync(Actor actor, string name, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            var model = await op.Db.ModelAsync(name, op.Ct);
            await op.DemandAsync(model, PermissionLevel.Read, "see it");
            return (await RegisteredModelViews.BuildAsync(op, [model]))[0];
        }, ct);
}
