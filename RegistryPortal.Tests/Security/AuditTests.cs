using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Security;

public class AuditTests
{
    [Fact]
    public async Task Every_admin_action_and_grant_change_is_listed_newest_first_with_who_and_whom()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.FirstAdminAsync();
        var (model, owner) = await registry.ModelWithVersionsAsync(1, name: "audited");
        var created = await registry.UserAdmin.CreateAsync(admin, new NewUser("sam@test.local", "Sam", [Roles.Reader]));
        var sam = created.User.Id;
        await registry.UserAdmin.SetRolesAsync(admin, sam, [Roles.Editor]);
        await registry.UserAdmin.LockAsync(admin, sam);
        await registry.UserAdmin.UnlockAsync(admin, sam);
        await registry.UserAdmin.ResetPasswordAsync(admin, sam);
        await registry.Permissions.GrantAsync(owner, model, sam, PermissionLevel.Manage);
        await registry.Permissions.RevokeAsync(owner, model, sam);
        await registry.Models.SetTagAsync(owner, model, "not", "audited"); // a model change, not an admin action
        await registry.UserAdmin.DeleteAsync(admin, sam);

        var log = await registry.Audit.ListAsync(admin, new AuditQuery());

        Assert.Equal(8, log.Total);
        Assert.Equal(
            [ActivityKind.UserDeleted, ActivityKind.PermissionRevoked, ActivityKind.PermissionGranted, ActivityKind.UserPasswordReset,
             ActivityKind.UserUnlocked, ActivityKind.UserLocked, ActivityKind.UserRolesChanged, ActivityKind.UserCreated],
            log.Items.Select(e => e.Kind));
        Assert.All(log.Items, e => Assert.Equal(sam, e.SubjectUserId));
        Assert.All(log.Items, e => Assert.Equal("deleted user", e.Subject)); // Sam's account is gone; the log stays
        var grant = log.Items.Single(e => e.Kind == ActivityKind.PermissionGranted);
        Assert.Equal(("audited", owner.UserId, "sam@test.local: Manage"), (grant.ModelName, grant.ActorId, grant.Detail));
        Assert.Equal("Administrator", log.Items.Single(e => e.Kind == ActivityKind.UserCreated).Actor);
    }

    [Fact]
    public async Task The_log_filters_by_user_as_actor_or_subject()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var first = await registry.FirstAdminAsync();
        var second = await registry.AdminAsync();
        var a = (await registry.UserAdmin.CreateAsync(first, new NewUser("a@test.local", null, []))).User.Id;
        var b = (await registry.UserAdmin.CreateAsync(second, new NewUser("b@test.local", null, []))).User.Id;
        await registry.UserAdmin.LockAsync(second, a);

        var bySecond = await registry.Audit.ListAsync(first, new AuditQuery(UserId: second.UserId));
        var aboutA = await registry.Audit.ListAsync(first, new AuditQuery(UserId: a));

        Assert.Equal([(ActivityKind.UserLocked, a), (ActivityKind.UserCreated, b)], bySecond.Items.Select(e => (e.Kind, e.SubjectUserId!)));
        Assert.Equal(2, bySecond.Total);
        Assert.Equal([ActivityKind.UserLocked, ActivityKind.UserCreated], aboutA.Items.Select(e => e.Kind));
    }

    [Fact]
    public async Task The_log_filters_by_action_and_pages_with_a_matching_total()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.FirstAdminAsync();
        for (var i = 0; i < 5; i++) await registry.UserAdmin.CreateAsync(admin, new NewUser($"u{i}@test.local", null, []));
        var u0 = (await registry.UserAdmin.ListAsync(admin, new UserQuery("u0@"))).Items.Single().Id;
        await registry.UserAdmin.LockAsync(admin, u0);

        var page = await registry.Audit.ListAsync(admin, new AuditQuery(Kind: ActivityKind.UserCreated, PageIndex: 1, PageSize: 2));
        var locks = await registry.Audit.ListAsync(admin, new AuditQuery(Kind: ActivityKind.UserLocked));

        Assert.Equal(5, page.Total);
        Assert.Equal(["u2@test.local with no role", "u1@test.local with no role"], page.Items.Select(e => e.Detail));
        Assert.Equal(u0, Assert.Single(locks.Items).SubjectUserId);
        await Expect.RefusalAsync(ErrorKind.InvalidValue,
            () => registry.Audit.ListAsync(admin, new AuditQuery(Kind: ActivityKind.Commented)), "does not list");
    }

    [Fact]
    public async Task The_log_filters_by_date_with_both_days_included()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.FirstAdminAsync();
        var days = new[] { new DateTime(2026, 3, 1, 23, 59, 0), new DateTime(2026, 3, 2, 0, 0, 0), new DateTime(2026, 3, 3, 12, 0, 0), new DateTime(2026, 3, 4, 0, 0, 1) };
        for (var i = 0; i < days.Length; i++)
        {
            var id = (await registry.UserAdmin.CreateAsync(admin, new NewUser($"d{i}@test.local", null, []))).User.Id;
            var at = DateTime.SpecifyKind(days[i], DateTimeKind.Utc);
            await registry.QueryAsync(db => db.Activity.Where(e => e.SubjectUserId == id).ExecuteUpdateAsync(s => s.SetProperty(e => e.At, at)));
        }

        var between = await registry.Audit.ListAsync(admin, new AuditQuery(From: new DateOnly(2026, 3, 2), To: new DateOnly(2026, 3, 3)));
        var from = await registry.Audit.ListAsync(admin, new AuditQuery(From: new DateOnly(2026, 3, 3)));
        var to = await registry.Audit.ListAsync(admin, new AuditQuery(To: new DateOnly(2026, 3, 1)));

        Assert.Equal(["d2@test.local with no role", "d1@test.local with no role"], between.Items.Select(e => e.Detail));
        Assert.Equal(2, from.Total);
        Assert.Equal(["d0@test.local with no role"], to.Items.Select(e => e.Detail));
    }
}
