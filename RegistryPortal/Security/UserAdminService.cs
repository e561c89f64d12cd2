using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using RegistryPortal.Data;
using RegistryPortal.Domain;
using RegistryPortal.Registry;

namespace RegistryPortal.Security;

public sealed record UserView(
    string Id, string Email, string DisplayName, IReadOnlyList<string> Roles,
    /// <summary>Null when the account may sign in; DateTimeOffset.MaxValue when an admin locked it.</summary>
    DateTimeOffset? LockedUntil, DateTime CreatedAt, DateTime? LastSignInAt)
{
    public bool IsLockedOut => LockedUntil is not null;
    public bool LockedByAdmin => LockedUntil == DateTimeOffset.MaxValue;
    public bool IsAdmin => Roles.Contains(Domain.Roles.Admin);
    public string ShownName => string.IsNullOrWhiteSpace(DisplayName) ? Email : DisplayName;
}

/// <param name="Text">Matches email or display name anywhere, ignoring case.</param>
public sealed record UserQuery(string? Text = null, int PageIndex = 0, int PageSize = 25);

/// <param name="Password">Empty: a password is generated and returned once.</param>
public sealed record NewUser(string Email, string? DisplayName, IReadOnlyCollection<string> Roles, string? Password = null);

/// <param name="GeneratedPassword">The generated password, to be shown once; null when the admin chose one.</param>
public sealed record CreatedUser(UserView User, string? GeneratedPassword);

/// <summary>
/// Accounts, for admins only: list, create, roles, lock, reset password, delete. Every change is an
/// activity event (the audit log). There is always at least one admin who can sign in: removing the last
/// one's role, locking or deleting them is refused. Role changes and locks renew the account's security
/// stamp, so open browser sessions lose the old rights at their next revalidation (within 30 s).
/// </summary>
public sealed class UserAdminService(AdminStore admin)
{
    public const int MaxDisplayNameLength = 100;

    public Task<Page<UserView>> ListAsync(Actor actor, UserQuery query, CancellationToken ct = default) =>
        admin.ReadAsync(actor, "see the user list", async op =>
        {
            IQueryable<ApplicationUser> users = op.Db.Users;
            if (!string.IsNullOrWhiteSpace(query.Text))
            {
                var text = query.Text.Trim().ToUpperInvariant();
                users = users.Where(u => u.NormalizedEmail!.Contains(text) || u.DisplayName.ToUpper().Contains(text));
            }
            var total = await users.CountAsync(op.Ct);
            var pageSize = Math.Clamp(query.PageSize, 1, 500);
            var pageIndex = Math.Max(0, query.PageIndex);
            var page = await users.OrderBy(u => u.NormalizedEmail).Skip(pageIndex * pageSize).Take(pageSize).ToListAsync(op.Ct);
            return new Page<UserView>(await ViewsAsync(op.Db, page, op.Ct), total, pageIndex, pageSize);
        }, ct);

    public Task<UserView> GetAsync(Actor actor, string userId, CancellationToken ct = default) =>
        admin.ReadAsync(actor, "see users", async op =>
        {
            var user = await op.Db.Users.FirstOrDefaultAsync(u => u.Id == userId, op.Ct)
                ?? throw RegistryError.NotFound("That user does not exist (any more). Reload the user list.");
            return (await ViewsAsync(op.Db, [user], op.Ct))[0];
        }, ct);

    public Task<CreatedUser> CreateAsync(Actor actor, NewUser request, CancellationToken ct = default) =>
        admin.WriteAsync(actor, "create users", async a =>
        {
            var email = request.Email?.Trim() ?? "";
            if (!new System.ComponentModel.DataAnnotations.EmailAddressAttribute().IsValid(email) || email.Length == 0)
                throw RegistryError.InvalidValue("Enter a valid email address, like name@example.com.");
            var displayName = ValidDisplayName(request.DisplayName);
            var roles = ValidRoles(request.Roles);
            if (await a.Users.FindByEmailAsync(email) is { } existing)
                throw RegistryError.AlreadyExists($"There already is a user with the email {existing.Email}.");
            var generated = string.IsNullOrEmpty(request.Password) ? AdminBootstrapper.GeneratePassword() : null;
            var user = new ApplicationUser
            {
                UserName = email, Email = email, EmailConfirmed = true, DisplayName = displayName, CreatedAt = a.Op.Now,
            };
            AdminOperation.Check(await a.Users.CreateAsync(user, generated ?? request.Password!));
            if (roles.Count > 0) AdminOperation.Check(await a.Users.AddToRolesAsync(user, roles));
            a.Op.RecordAdmin(ActivityKind.UserCreated, user.Id, $"{email} with {RoleList(roles)}");
            return new CreatedUser((await ViewsAsync(a.Db, [user], a.Op.Ct))[0], generated);
        }, ct);

    /// <summary>Replaces the user's roles with <paramref name="roles"/> (empty: no role, so no access but their own models and grants).</summary>
    public Task SetRolesAsync(Actor actor, string userId, IReadOnlyCollection<string> roles, CancellationToken ct = default) =>
        admin.WriteAsync(actor, "change roles", async a =>
        {
            var wanted = ValidRoles(roles);
            var user = await a.UserAsync(userId);
            var current = (await a.Users.GetRolesAsync(user)).ToHashSet();
            if (current.SetEquals(wanted)) return true;
            if (current.Contains(Roles.Admin) && !wanted.Contains(Roles.Admin))
                await EnsureAnotherAdminAsync(a, user, $"remove the Admin role from {user.Email}");
            var removed = current.Except(wanted).ToList();
            var added = wanted.Except(current).ToList();
            if (removed.Count > 0) AdminOperation.Check(await a.Users.RemoveFromRolesAsync(user, removed));
            if (added.Count > 0) AdminOperation.Check(await a.Users.AddToRolesAsync(user, added));
            // Open sessions of this user revalidate against the stamp and lose the old rights.
            AdminOperation.Check(await a.Users.UpdateSecurityStampAsync(user));
            a.Op.RecordAdmin(ActivityKind.UserRolesChanged, user.Id,
                $"{user.Email}: {RoleList(Roles.All.Where(current.Contains).ToList())} → {RoleList(wanted)}");
            return true;
        }, ct);

    /// <summary>Locks the account until an admin unlocks it: no sign-in, no API token, no service call.</summary>
    public Task LockAsync(Actor actor, string userId, CancellationToken ct = default) =>
        admin.WriteAsync(actor, "lock accounts", async a =>
        {
            var user = await a.UserAsync(userId);
            if (await a.Users.IsInRoleAsync(user, Roles.Admin)) await EnsureAnotherAdminAsync(a, user, $"lock {user.Email}");
            AdminOperation.Check(await a.Users.SetLockoutEnabledAsync(user, true));
            AdminOperation.Check(await a.Users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue));
            AdminOperation.Check(await a.Users.UpdateSecurityStampAsync(user));
            a.Op.RecordAdmin(ActivityKind.UserLocked, user.Id, user.Email ?? "");
            return true;
        }, ct);

    /// <summary>Ends a lock, whether an admin set it or failed sign-ins did.</summary>
    public Task UnlockAsync(Actor actor, string userId, CancellationToken ct = default) =>
        admin.WriteAsync(actor, "unlock accounts", async a =>
        {
            var user = await a.UserAsync(userId);
            if (!PermissionResolver.IsLockedOut(user.LockoutEnd))
                throw RegistryError.InvalidValue($"{user.Email} is not locked.");
            AdminOperation.Check(await a.Users.SetLockoutEndDateAsync(user, null));
            AdminOperation.Check(await a.Users.ResetAccessFailedCountAsync(user));
            a.Op.RecordAdmin(ActivityKind.UserUnlocked, user.Id, user.Email ?? "");
            return true;
        }, ct);

    /// <summary>Sets a new password (generated when <paramref name="newPassword"/> is empty) and signs the user out everywhere.</summary>
    /// <returns>The generated password, to be shown once; null when the admin chose one.</returns>
    public Task<string?> ResetPasswordAsync(Actor actor, string userId, string? newPassword = null, CancellationToken ct = default) =>
        admin.WriteAsync(actor, "reset passwords", async a =>
        {
            var user = await a.UserAsync(userId);
            var generated = string.IsNullOrEmpty(newPassword) ? AdminBootstrapper.GeneratePassword() : null;
            var password = generated ?? newPassword!;
            foreach (var validator in a.Users.PasswordValidators)
                AdminOperation.Check(await validator.ValidateAsync(a.Users, user, password));
            // Both renew the security stamp: sessions signed in with the old password end.
            if (await a.Users.HasPasswordAsync(user)) AdminOperation.Check(await a.Users.RemovePasswordAsync(user));
            AdminOperation.Check(await a.Users.AddPasswordAsync(user, password));
            AdminOperation.Check(await a.Users.ResetAccessFailedCountAsync(user));
            a.Op.RecordAdmin(ActivityKind.UserPasswordReset, user.Id, user.Email ?? "");
            return generated;
        }, ct);

    /// <summary>
    /// Deletes the account, its roles, grants and tokens. Its history stays: models, versions, requests and
    /// events keep the user's id, shown as "deleted user".
    /// </summary>
    public Task DeleteAsync(Actor actor, string userId, CancellationToken ct = default) =>
        admin.WriteAsync(actor, "delete users", async a =>
        {
            var user = await a.UserAsync(userId);
            if (await a.Users.IsInRoleAsync(user, Roles.Admin)) await EnsureAnotherAdminAsync(a, user, $"delete {user.Email}");
            a.Db.Grants.RemoveRange(await a.Db.Grants.Where(g => g.UserId == user.Id).ToListAsync(a.Op.Ct));
            a.Op.RecordAdmin(ActivityKind.UserDeleted, user.Id, $"{user.Email} ({user.ShownName})");
            AdminOperation.Check(await a.Users.DeleteAsync(user));
            return true;
        }, ct);

    public Task SetDisplayNameAsync(Actor actor, string userId, string? displayName, CancellationToken ct = default) =>
        admin.WriteAsync(actor, "rename users", async a =>
        {
            var user = await a.UserAsync(userId);
            user.DisplayName = ValidDisplayName(displayName);
            AdminOperation.Check(await a.Users.UpdateAsync(user));
            return true;
        }, ct);

    /// <summary>Refuses when no admin other than <paramref name="user"/> could still sign in.</summary>
    private static async Task EnsureAnotherAdminAsync(AdminOperation a, ApplicationUser user, string toDoWhat)
    {
        var others = await a.Db.UserRoles.Where(ur => ur.UserId != user.Id)
            .Join(a.Db.Roles.Where(r => r.Name == Roles.Admin), ur => ur.RoleId, r => r.Id, (ur, _) => ur.UserId)
            .Join(a.Db.Users, id => id, u => u.Id, (_, u) => u.LockoutEnd)
            .ToListAsync(a.Op.Ct);
        if (!others.Any(end => !PermissionResolver.IsLockedOut(end)))
            throw RegistryError.InvalidValue(
                $"You cannot {toDoWhat}: they are the last admin who can sign in. Make another user an admin first.");
    }

    private static string ValidDisplayName(string? displayName)
    {
        var name = displayName?.Trim() ?? "";
        if (name.Length > MaxDisplayNameLength)
            throw RegistryError.InvalidValue($"A display name is at most {MaxDisplayNameLength} characters; this one has {name.Length}.");
        return name;
    }

    private static List<string> ValidRoles(IEnumerable<string>? roles)
    {
        var list = (roles ?? []).Distinct().ToList();
        if (list.FirstOrDefault(r => !Roles.All.Contains(r)) is { } unknown)
            throw RegistryError.InvalidValue($"There is no role '{unknown}'. The roles are {string.Join(", ", Roles.All)}.");
        return Roles.All.Where(list.Contains).ToList(); // in the canonical order
    }

    /// <summary>Roles in the audit log, in the words of the permission levels, as the admin pages name them.</summary>
    private static string RoleList(IReadOnlyCollection<string> roles) => roles.Count == 0 ? "no role" : string.Join(", ", roles.Select(Roles.DisplayName));

    private static async Task<IReadOnlyList<UserView>> ViewsAsync(RegistryDbContext db, IReadOnlyList<ApplicationUser> users, CancellationToken ct)
    {
        var ids = users.Select(u => u.Id).ToList();
        var roles = await db.UserRoles.Where(ur => ids.Contains(ur.UserId))
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name })
            .ToListAsync(ct);
        return users.Select(u => new UserView(
            u.Id, u.Email ?? u.UserName ?? "", u.DisplayName,
            Roles.All.Where(r => roles.Any(x => x.UserId == u.Id && x.Name == r)).ToList(),
            PermissionResolver.IsLockedOut(u.LockoutEnd) ? u.LockoutEnd : null, u.CreatedAt, u.LastSignInAt)).ToList();
    }
}
