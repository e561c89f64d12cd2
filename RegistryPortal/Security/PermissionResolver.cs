using Microsoft.EntityFrameworkCore;
using RegistryPortal.Data;
using RegistryPortal.Domain;
using RegistryPortal.Registry;

namespace RegistryPortal.Security;

/// <summary>
/// The effective level of a user on a model: the highest of what their roles give on every model,
/// a per-model grant, and Manage for the model's creator. A locked or deleted account has none.
/// </summary>
public static class PermissionResolver
{
    public static async Task<UserAccess> AccessOfAsync(RegistryDbContext db, Actor actor, CancellationToken ct = default) =>
        AccessFrom(db, actor, await AccountRowsOf(db, actor.UserId).ToListAsync(ct));

    /// <summary>
    /// The access of an account from its rows: one per role of the user (one with no role name if they have none);
    /// no row: no such account. Notes the caller's name on the context for the answer.
    /// </summary>
    internal static UserAccess AccessFrom(RegistryDbContext db, Actor actor, IReadOnlyList<AccountRow> rows)
    {
        if (rows.Count == 0) return new UserAccess(actor.UserId, [], Active: false);
        db.Caller = (actor.UserId, Lookups.ShownName(actor.UserId, rows[0].DisplayName, rows[0].UserName));
        // A locked-out account keeps its roles in the database but may do nothing until it is unlocked.
        if (IsLockedOut(rows[0].LockoutEnd)) return new UserAccess(actor.UserId, [], Active: false);
        return new UserAccess(actor.UserId, rows.Select(r => r.Role).OfType<string>().ToList());
    }

    internal sealed record AccountRow(DateTimeOffset? LockoutEnd, string? DisplayName, string? UserName, string? Role);

    // Read on every operation: one compiled query of plain joins, which seek the user's own role rows. Written as a
    // nested list of roles it became a join with all users' roles, which SQLite read whole for every request.
    private static readonly Func<RegistryDbContext, string, IAsyncEnumerable<AccountRow>> AccountRowsOf =
        CompiledQueries.PerContextKind(() => EF.CompileAsyncQuery((RegistryDbContext db, string userId) =>
            from u in db.Users
            where u.Id == userId
            join ur in db.UserRoles on u.Id equals ur.UserId into userRoles
            from ur in userRoles.DefaultIfEmpty()
            join r in db.Roles on ur!.RoleId equals r.Id into roles
            from r in roles.DefaultIfEmpty()
            select new AccountRow(u.LockoutEnd, u.DisplayName, u.UserName, r == null ? null : r.Name)));

    public static bool IsLockedOut(DateTimeOffset? lockoutEnd) => lockoutEnd is { } end && end > DateTimeOffset.UtcNow;

    /// <summary>The rule itself: creator or a Manage role gives Manage; otherwise the higher of role level and grant.</summary>
    public static PermissionLevel Effective(PermissionLevel roleLevel, PermissionLevel? granted, bool isCreator) =>
        isCreator || roleLevel == PermissionLevel.Manage ? PermissionLevel.Manage
        : granted is { } g && g > roleLevel ? g
        : roleLevel;

    public static async Task<PermissionLevel> LevelOnAsync(
        RegistryDbContext db, UserAccess access, RegisteredModel model, CancellationToken ct = default)
    {
        if (!access.Active) return PermissionLevel.None;
        var isCreator = model.CreatedById == access.UserId;
        if (isCreator || access.RoleLevel == PermissionLevel.Manage) return PermissionLevel.Manage;
        var grant = await db.Grants.Where(g => g.ModelId == model.Id && g.UserId == access.UserId)
            .Select(g => (PermissionLevel?)g.Level).FirstOrDefaultAsync(ct);
        return Effective(access.RoleLevel, grant, isCreator);
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

    /// <summary>The models the user may read: every model with a role, else those they created or were granted.</summary>
    public static IQueryable<RegisteredModel> Readable(RegistryDbContext db, UserAccess access)
    {
        if (!access.Active) return db.Models.Where(m => false);
        if (access.RoleLevel >= PermissionLevel.Read) return db.Models;
        var granted = db.Grants.Where(g => g.UserId == access.UserId && g.Level != PermissionLevel.None).Select(g => g.ModelId);
        return db.Models.Where(m => m.CreatedById == access.UserId || granted.Contains(m.Id));
    }

    /// <summary>
    /// The versions of the models the user may read. With a role that reads every model this is every
    /// version, with no condition at all: an "IN (SELECT Id FROM Models)" that is always true still makes
    /// SQLite walk the versions model by model instead of using the filter's own index (run_id IN …).
    /// </summary>
    public static IQueryable<ModelVersion> ReadableVersions(RegistryDbContext db, UserAccess access)
    {
        if (access.Active && access.RoleLevel >= PermissionLevel.Read) return db.Versions;
        var readable = Readable(db, access).Select(m => m.Id);
        return db.Versions.Where(v => readable.Contains(v.ModelId));
    }
}

/// <summary>A user's roles as read for one operation; <paramref name="Active"/> is false for a locked or deleted account.</summary>
public sealed record UserAccess(string UserId, IReadOnlyList<string> RoleNames, bool Active = true)
{
    public bool IsAdmin => Active && RoleNames.Contains(Roles.Admin);

    /// <summary>The level the roles give on every model.</summary>
    public PermissionLevel RoleLevel => Active ? Roles.LevelOfAll(RoleNames) : PermissionLevel.None;
}
