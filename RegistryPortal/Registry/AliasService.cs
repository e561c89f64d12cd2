using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;
using RegistryPortal.Security;

namespace RegistryPortal.Registry;

/// <summary>Aliases: named pointers to a version ("champion"). Setting an existing alias moves it.</summary>
public sealed class AliasService(RegistryStore store)
{
    public Task SetAsync(Actor actor, string modelName, string alias, int number, CancellationToken ct = default) =>
        store.WriteModelAsync(actor, async op =>
        {
            var (model, version) = await VersionService.FindAsync(op, modelName, number);
            await op.DemandAsync(model, PermissionLevel.Edit, "set aliases");
            AliasRules.Validate(alias);
            var existing = await op.Db.Aliases.Include(a => a.Version).FirstOrDefaultAsync(a => a.ModelId == model.Id && a.Alias == alias, op.Ct);
            var detail = existing is null ? $"{alias} → version {number}" : $"{alias} moved from version {existing.Version!.Number} to version {number}";
            if (existing is null) op.Db.Aliases.Add(new ModelAlias { ModelId = model.Id, Alias = alias, VersionId = version.Id });
            else existing.VersionId = version.Id;
            model.UpdatedAt = op.Now;
            op.Record(ActivityKind.AliasSet, model, version, detail: detail).With(alias);
        }, ct);

    public Task DeleteAsync(Actor actor, string modelName, string alias, CancellationToken ct = default) =>
        store.WriteModelAsync(actor, async op =>
        {
            var model = await op.ModelToChangeAsync(modelName, PermissionLevel.Edit, "delete aliases");
            var existing = await op.Db.Aliases.Include(a => a.Version).FirstOrDefaultAsync(a => a.ModelId == model.Id && a.Alias == alias, op.Ct)
                ?? throw RegistryError.NotFound($"Model '{model.Name}' has no alias '{alias}'.");
            op.Db.Aliases.Remove(existing);
            model.UpdatedAt = op.Now;
            op.Record(ActivityKind.AliasDeleted, model, existing.Version, detail: alias).With(alias);
        }, ct);

    public Task<VersionView> GetVersionAsync(Actor actor, string modelName, string alias, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            var model = await op.Db.ModelAsync(modelName, op.Ct);
            await op.DemandAsync(model, PermissionLevel.Read, "see its versions");
            var version = await op.Db.Aliases.Where(a => a.ModelId == model.Id && a.Alias == alias).Select(a => a.Version!).FirstOrDefaultAsync(op.Ct)
                ?? throw RegistryError.NotFound($"Model '{model.Name}' has no alias '{alias}'.");
            return await VersionService.ViewAsync(op, model, version);
        }, ct);
}
