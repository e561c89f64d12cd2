using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;
using RegistryPortal.Registry;

namespace RegistryPortal.Security;

public sealed record GrantView(string UserId, string User, PermissionLevel Level, string GrantedBy, DateTime GrantedAt);

/// <summary>Where a user's level on a model comes from.</summary>
public enum AccessSource
{
    Role,
    Grant,
    Creator,
}

/// <summary>
/// One user with access to a model: their effective level, what gives it (<paramref name="Sources"/>: each
/// source that reaches that level), their roles, and their grant on this model if any.
/// </summary>
public sealed record ModelAccessView(
    string UserId, string User, string Email, PermissionLevel Level, IReadOnlyList<AccessSource> Sources,
    IReadOnlyList<string> Roles, PermissionLevel? Granted)
{
    /// <summary>"Role (Read)", "Grant", "Creator": the sources of the level, in words (roles named as levels).</summary>
    public string SourceText => string.Join(", ", Sources.Select(s => s switch
    {
        AccessSource.Role => $"Role ({string.Join(", ", Roles.Where(r => Domain.Roles.LevelOf(r) == Level).Select(Domain.Roles.DisplayName))})",
        _ => s.ToString(),
    }));
}

/// <summary>A user a Manage holder may pick to grant a level to.</summary>
public sealed record UserChoice(string UserId, string User, string Email)
{
    public override string ToString() => User == Email ? Email : $"{User} <{Email}>";
}

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
            op.Record(ActivityKind.PermissionGranted, model, detail: $"{user}: {level.DisplayName()}", subjectUserId: userId);
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
            op.Record(ActivityKind.PermissionRevoked, model, detail: names(userId), subjectUserId: userId);
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

    /// <summary>
    /// Every user who may read the model, with their effective level and where it comes from: roles,
    /// a grant on this model, being its creator. For Manage holders (admins hold Manage on every model).
    /// Locked accounts have no access and are left out.
    /// </summary>
    public Task<IReadOnlyList<ModelAccessView>> AccessListAsync(Actor actor, string modelName, CancellationToken ct = default) =>
        store.ReadAsync<IReadOnlyList<ModelAccessView>>(actor, async op =>
        {
            var model = await op.Db.ModelAsync(modelName, op.Ct);
            await op.DemandAsync(model, PermissionLevel.Manage, "see who has access to it");
            var grants = await op.Db.Grants.Where(g => g.ModelId == model.Id).ToDictionaryAsync(g => g.UserId, g => g.Level, op.Ct);
            var roles = (await op.Db.UserRoles.Join(op.Db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name })
                    .ToListAsync(op.Ct))
                .ToLookup(x => x.UserId, x => x.Name!);
            var ids = roles.Select(g => g.Key).Concat(grants.Keys).Append(model.CreatedById).Distinct().ToList();
            var users = await op.Db.Users.Where(u => ids.Contains(u.Id))
                .Select(u => new { u.Id, u.Email, u.UserName, u.DisplayName, u.LockoutEnd }).ToListAsync(op.Ct);
            var list = new List<ModelAccessView>();
            foreach (var user in users.Where(u => !PermissionResolver.IsLockedOut(u.LockoutEnd)))
            {
                var userRoles = Roles.All.Where(roles[user.Id].Contains).ToList();
                var roleLevel = Roles.LevelOfAll(userRoles);
                PermissionLevel? granted = grants.TryGetValue(user.Id, out var g) ? g : null;
                var isCreator = model.CreatedById == user.Id;
                var level = PermissionResolver.Effective(roleLevel, granted, isCreator);
                if (level < PermissionLevel.Read) continue;
                var sources = new List<AccessSource>();
                if (roleLevel == level) sources.Add(AccessSource.Role);
                if (granted == level) sources.Add(AccessSource.Grant);
                if (isCreator) sources.Add(AccessSource.Creator);
                var email = user.Email ?? user.UserName ?? user.Id;
                list.Add(new ModelAccessView(user.Id, string.IsNullOrWhiteSpace(user.DisplayName) ? email : user.DisplayName, email,
                    level, sources, userRoles, granted));
            }
            return list.OrderByDescending(a => a.Level).ThenBy(a => a.User, StringComparer.OrdinalIgnoreCase).ToList();
        }, ct);

    /// <summary>Users whose email or name contains <paramref name="text"/>, for a Manage holder choosing whom to grant a level.</summary>
    public Task<IReadOnlyList<UserChoice>> FindUsersAsync(Actor actor, string modelName, string? text, int limit = 10, CancellationToken ct = default) =>
        store.ReadAsync<IReadOnlyList<UserChoice>>(actor, async op =>
        {
            var model = await op.Db.ModelAsync(modelName, op.Ct);
            await op.DemandAsync(model, PermissionLevel.Manage, "change its permissions");
            var users = op.Db.Users.AsQueryable();
            if (!string.IsNullOrWhiteSpace(text))
            {
                var upper = text.Trim().ToUpperInvariant();
                users = users.Where(u => u.NormalizedEmail!.Contains(upper) || u.DisplayName.ToUpper().Contains(upper));
            }
            var found = await users.OrderBy(u => u.NormalizedEmail).Take(Math.Clamp(limit, 1, 50))
                .Select(u => new { u.Id, u.Email, u.UserName, u.DisplayName }).ToListAsync(op.Ct);
            return found.Select(u =>
            {
                var email = u.Email ?? u.UserName ?? u.Id;
                return new UserChoice(u.Id, string.IsNullOrWhiteSpace(u.DisplayName) ? email : u.DisplayName, email);
            }).ToList();
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
