using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;
using RegistryPortal.Registry;

namespace RegistryPortal.Security;

/// <param name="UserId">Events done by this user or about them.</param>
/// <param name="From">First day (UTC), inclusive.</param>
/// <param name="To">Last day (UTC), inclusive.</param>
public sealed record AuditQuery(
    string? UserId = null, ActivityKind? Kind = null, DateOnly? From = null, DateOnly? To = null, int PageIndex = 0, int PageSize = 50);

public sealed record AuditEntry(
    long Id, DateTime At, string ActorId, string Actor, ActivityKind Kind, string? SubjectUserId, string Subject,
    string ModelName, string Detail);

/// <summary>The audit log: admin actions on accounts and every change of a model's grants. Admins only.</summary>
public sealed class AuditService(AdminStore admin)
{
    /// <summary>The actions the audit log lists, in the order its filter offers them.</summary>
    public static readonly IReadOnlyList<ActivityKind> Kinds =
    [
        ActivityKind.UserCreated, ActivityKind.UserRolesChanged, ActivityKind.UserLocked, ActivityKind.UserUnlocked,
        ActivityKind.UserPasswordReset, ActivityKind.UserDeleted, ActivityKind.PermissionGranted, ActivityKind.PermissionRevoked,
        ActivityKind.FourEyesChanged, ActivityKind.RegistrySettingsChanged,
    ];

    public static string Describe(ActivityKind kind) => kind switch
    {
        ActivityKind.UserCreated => "User created",
        ActivityKind.UserRolesChanged => "Roles changed",
        ActivityKind.UserLocked => "Account locked",
        ActivityKind.UserUnlocked => "Account unlocked",
        ActivityKind.UserPasswordReset => "Password reset",
        ActivityKind.UserDeleted => "User deleted",
        ActivityKind.PermissionGranted => "Model grant set",
        ActivityKind.PermissionRevoked => "Model grant revoked",
        ActivityKind.FourEyesChanged => "Model four-eyes switched",
        ActivityKind.RegistrySettingsChanged => "Registry settings changed",
        _ => kind.ToString(),
    };

    public Task<Page<AuditEntry>> ListAsync(Actor actor, AuditQuery query, CancellationToken ct = default) =>
        admin.ReadAsync(actor, "read the audit log", async op =>
        {
            var kinds = query.Kind is { } kind
                ? Kinds.Contains(kind) ? [kind] : throw RegistryError.InvalidValue($"The audit log does not list {kind} events.")
                : Kinds.ToList();
            var events = op.Db.Activity.Where(e => kinds.Contains(e.Kind));
            if (!string.IsNullOrEmpty(query.UserId)) events = events.Where(e => e.UserId == query.UserId || e.SubjectUserId == query.UserId);
            if (query.From is { } from) events = events.Where(e => e.At >= from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
            if (query.To is { } to) events = events.Where(e => e.At < to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
            var total = await events.CountAsync(op.Ct);
            var pageSize = Math.Clamp(query.PageSize, 1, 500);
            var pageIndex = Math.Max(0, query.PageIndex);
            var page = await events.OrderByDescending(e => e.Id).Skip(pageIndex * pageSize).Take(pageSize).ToListAsync(op.Ct);
            var names = await op.Db.UserNamesAsync(page.SelectMany(e => new[] { e.UserId, e.SubjectUserId }), op.Ct);
            var items = page.Select(e => new AuditEntry(e.Id, e.At, e.UserId, names(e.UserId), e.Kind, e.SubjectUserId,
                names(e.SubjectUserId), e.ModelName, e.Detail)).ToList();
            return new Page<AuditEntry>(items, total, pageIndex, pageSize);
        }, ct);
}
