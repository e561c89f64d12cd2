using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;
using RegistryPortal.Registry;

namespace RegistryPortal.Security;

public sealed record GrantView(string UserId, string User, PermissionLevel Level, string GrantedBy, DateTime GrantedAt);

/// <summary>Per-model grants: raise one user's level on one model. Needs Manage on the model (admins have it everywhere).</summary>
public sealed class ModelPermissionService(RegistryStore store)
{
    public Task GrantAsync(Actor actor, string modelName, string userId, PermissionLevel level, CancellationToken ct = default) =>
        store.WriteAsync(actor, async op =>
        {
            var model = await op.Db.ModelAsync(modelName, op.Ct);
            await op.DemandAsync(model, PermissionLevel.Manage, "change its permissions");
            if (level == PermissionLevel.None) throw RegistryError.InvalidValue("Choose a level to grant, or revoke the grant instead.");
            var user = await op.Db.Users.Where(u => u.Id == userId).Select(u => u.UserName).FirstOrDefaultAsync(op.Ct)
                ?? throw RegistryError.NotFound("That user does not exist. Pick one from the user list.");
            var grant = await op.Db.Grants.FindAsync([model.Id, userId], op.Ct);
            if (grant is null)
                op.Db.Grants.Add(new ModelPermissionGrant { ModelId = model.Id, UserId = userId, Level = level, GrantedById = op.Actor.UserId, GrantedAt = op.Now });
            else
                (grant.Level, grant.GrantedById, grant.GrantedAt) = (level, op.Actor.UserId, op.Now);
            op.Record(ActivityKind.PermissionGranted, model, detail: $"{user}: {level.DisplayName()}");
        }, ct);

    public Task RevokeAsync(Actor actor, string modelName, string userId, CancellationToken ct = default) =>
        store.WriteAsync(actor, async op =>
        {
            var model = await op.Db.ModelAsync(modelName, op.Ct);
            await op.DemandAsync(model, PermissionLevel.Manage, "change its permissions");
            var grant = await op.Db.Grants.FindAsync([model.Id, userId], op.Ct)
                ?? throw RegistryError.NotFound($"That user has no grant on '{model.Name}'.");
            op.Db.Grants.Remove(grant);
            var names = await op.Db.UserNamesAsync([userId], op.Ct);
            op.Record(ActivityKind.PermissionRevoked, model, detail: names(userId));
        }, ct);

    public Task<IReadOnlyList<GrantView>> ListAsync(Actor actor, string modelName, CancellationToken ct = default) =>
        store.ReadAsync<IReadOnlyList<GrantView>>(actor, async op =>
        {
            var model = await op.Db.ModelAsync(modelName, op.Ct);
            await op.DemandAsync(model, PermissionLevel.Read, "see its permissions");
            var grants = await op.Db.Grants.Where(g => g.ModelId == model.Id).ToListAsync(op.Ct);
            var names = await op.Db.UserNamesAsync(grants.SelectMany(g => new[] { g.UserId, g.GrantedById }), op.Ct);
            return grants.Select(g => new GrantView(g.UserId, names(g.UserId), g.Level, names(g.GrantedById), g.GrantedAt))
                .OrderBy(g => g.User).ToList();
        }, ct);

    /// <summary>The level the caller's roles give on every model (creating a model needs Edit here).</summary>
    public Task<PermissionLevel> RoleLevelAsync(Actor actor, CancellationToken ct = default) =>
        store.ReadAsync(actor, op => Task.FromResult(op.Access.RoleLevel), ct);

    /// <summary>The caller's effective level on a model, for pages that show only what the user may do.</summary>
    public Task<PermissionLevel> LevelAsync(Actor actor, string modelName, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            // A user without Read is told the model does not exist, as by every other call.
            var model = await op.Db.ModelAsync(modelName, op.Ct);
            return await op.DemandAsync(model, PermissionLevel.Read, "see it");
        }, ct);
}
