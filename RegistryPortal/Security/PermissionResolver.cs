using Microsoft.EntityFrameworkCore;
using RegistryPortal.Data;
using RegistryPortal.Domain;
using RegistryPortal.Registry;

namespace RegistryPortal.Security;

/// <summary>
/// The effective level of a user on a model: the highest of what their roles give on every model,
/// a per-model grant, and Manage for the model's creator.
/// </summary>
public static class PermissionResolver
{
    public static async Task<UserAccess> AccessOfAsync(RegistryDbContext db, Actor actor, CancellationToken ct = default)
    {
        var roles = await db.UserRoles.Where(ur => ur.UserId == actor.UserId)
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!)
            .ToListAsync(ct);
        return new UserAccess(actor.UserId, roles);
    }

    public static async Task<PermissionLevel> LevelOnAsync(
        RegistryDbContext db, UserAccess access, RegisteredModel model, CancellationToken ct = default)
    {
        if (access.RoleLevel == PermissionLevel.Manage || model.CreatedById == access.UserId) return PermissionLevel.Manage;
        var grant = await db.Grants.Where(g => g.ModelId == model.Id && g.UserId == access.UserId)
            .Select(g => (PermissionLevel?)g.Level).FirstOrDefaultAsync(ct);
        return grant is { } granted && granted > access.RoleLevel ? granted : access.RoleLevel;
    }

    /// <summary>Throws permission denied unless the user's level on the model allows the ability.</summary>
    public static async Task<PermissionLevel> DemandAsync(
        RegistryDbContext db, UserAccess access, RegisteredModel model, PermissionLevel needed, string toDoWhat,
        CancellationToken ct = default)
    {
        var level = await LevelOnAsync(db, access, model, ct);
        if (level < needed)
        {
            // Someone who may not even read the model must not learn that it exists.
            if (level < PermissionLevel.Read) throw Lookups.ModelNotFound(model.Name);
            throw RegistryError.PermissionDenied(
                $"You need {needed.DisplayName()} on '{model.Name}' to {toDoWhat}; you have {level.DisplayName()}. Ask a Manage holder or an admin.");
        }
        return level;
    }

    /// <summary>The models the user may read (null = every model): created by them, or granted Read or more.</summary>
    public static IQueryable<RegisteredModel> Readable(RegistryDbContext db, UserAccess access)
    {
        if (access.RoleLevel >= PermissionLevel.Read) return db.Models;
        var granted = db.Grants.Where(g => g.UserId == access.UserId && g.Level != PermissionLevel.None).Select(g => g.ModelId);
        return db.Models.Where(m => m.CreatedById == access.UserId || granted.Contains(m.Id));
    }
}

/// <summary>A user's roles as read for one operation.</summary>
public sealed record UserAccess(string UserId, IReadOnlyList<string> RoleNames)
{
    public bool IsAdmin => RoleNames.Contains(Roles.Admin);

    /// <summary>The level the roles give on every model.</summary>
    public PermissionLevel RoleLevel => RoleNames.Select(Roles.LevelOf).DefaultIfEmpty(PermissionLevel.None).Max();
}
