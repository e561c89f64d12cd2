using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Security;

public class UserAdminTests
{
    private static readonly Dictionary<string, Func<TestRegistry, Actor, string, Task>> AdminOperations = new()
    {
        ["list users"] = (r, a, target) => r.UserAdmin.ListAsync(a, new UserQuery()),
        ["get a user"] = (r, a, target) => r.UserAdmin.GetAsync(a, target),
        ["create a user"] = (r, a, target) => r.UserAdmin.CreateAsync(a, new NewUser("new@test.local", "New", [Roles.Admin])),
        ["change roles"] = (r, a, target) => r.UserAdmin.SetRolesAsync(a, target, [Roles.Admin]),
        ["lock"] = (r, a, target) => r.UserAdmin.LockAsync(a, target),
        ["unlock"] = (r, a, target) => r.UserAdmin.UnlockAsync(a, target),
        ["reset a password"] = (r, a, target) => r.UserAdmin.ResetPasswordAsync(a, target, "Chosen-Passw0rd!"),
        ["delete a user"] = (r, a, target) => r.UserAdmin.DeleteAsync(a, target),
        ["rename a user"] = (r, a, target) => r.UserAdmin.SetDisplayNameAsync(a, target, "Renamed"),
        ["read the audit log"] = (r, a, target) => r.Audit.ListAsync(a, new AuditQuery()),
    };

    public static TheoryData<string, string> NonAdminCalls()
    {
        var data = new TheoryData<string, string>();
        foreach (var operation in AdminOperations.Keys)
            foreach (var role in new[] { "", Roles.Reader, Roles.Manager })
                data.Add(operation, role);
        return data;
    }

    [Theory]
    [MemberData(nameof(NonAdminCalls))]
    public async Task Every_admin_operation_refuses_a_non_admin_and_changes_nothing(string operation, string role)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var caller = role == "" ? await registry.UserAsync() : await registry.UserAsync(role);
        var target = await registry.UserAsync(Roles.Reader);
        await registry.UserAdmin.LockAsync(await registry.FirstAdminAsync(), target.UserId); // so "unlock" has something to do
        var stampBefore = await registry.SecurityStampAsync(target);
        var eventsBefore = await registry.EventCountAsync();

        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => AdminOperations[operation](registry, caller, target.UserId), "Only admins");

        Assert.Equal(eventsBefore, await registry.EventCountAsync());
        var account = await registry.AccountAsync(target.UserId);
        Assert.NotNull(account);
        Assert.Equal(stampBefore, account.SecurityStamp);
        Assert.Equal([Roles.Reader], await registry.RolesOfAsync(target.UserId));
        Assert.Null(await registry.QueryAsync(db => Task.FromResult(db.Users.FirstOrDefault(u => u.Email == "new@test.local"))));
    }

    [Fact]
    public async Task A_locked_admin_may_not_use_admin_operations()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var first = await registry.FirstAdminAsync();
        var second = await registry.AdminAsync();
        await registry.UserAdmin.LockAsync(first, second.UserId);

        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.UserAdmin.ListAsync(second, new UserQuery()), "Only admins");
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.UserAdmin.UnlockAsync(second, second.UserId), "Only admins");
    }

    // Create

    [Fact]
    public async Task Creating_a_user_without_a_password_generates_one_that_signs_in_and_is_returned_once()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.FirstAdminAsync();

        var created = await registry.UserAdmin.CreateAsync(admin, new NewUser(" Ada@Example.com ", "Ada Lovelace", [Roles.Editor, Roles.Reader]));

        Assert.NotNull(created.GeneratedPassword);
        Assert.True(created.GeneratedPassword.Length >= 12);
        Assert.True(await registry.PasswordWorksAsync(created.User.Id, created.GeneratedPassword));
        Assert.False(await registry.PasswordWorksAsync(created.User.Id, created.GeneratedPassword + "x"));
        var account = (await registry.AccountAsync(created.User.Id))!;
        Assert.DoesNotContain(created.GeneratedPassword, account.PasswordHash!);
        Assert.Equal(("Ada@Example.com", "Ada Lovelace"), (account.Email, account.DisplayName));
        Assert.Equal([Roles.Reader, Roles.Editor], created.User.Roles); // canonical order
        Assert.Equal([Roles.Editor, Roles.Reader], await registry.RolesOfAsync(created.User.Id));
        Assert.False(created.User.IsLockedOut);
        // The new user's role gives them its level at once.
        var (model, _) = await registry.ModelWithVersionsAsync(0);
        Assert.Equal(PermissionLevel.Edit, await registry.Permissions.LevelAsync(new Actor(created.User.Id), model));

        var recorded = Assert.Single(await registry.AdminEventsAsync());
        Assert.Equal((ActivityKind.UserCreated, admin.UserId, created.User.Id), (recorded.Kind, recorded.UserId, recorded.SubjectUserId));
        Assert.Equal("Ada@Example.com with Read, Edit", recorded.Detail);
        Assert.DoesNotContain(created.GeneratedPassword, recorded.Detail);
    }

    [Fact]
    public async Task Two_generated_passwords_differ()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.FirstAdminAsync();
        var a = await registry.UserAdmin.CreateAsync(admin, new NewUser("a@test.local", null, []));
        var b = await registry.UserAdmin.CreateAsync(admin, new NewUser("b@test.local", null, []));
        Assert.NotEqual(a.GeneratedPassword, b.GeneratedPassword);
    }

    [Fact]
    public async Task Creating_a_user_with_a_chosen_password_returns_no_password()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var created = await registry.UserAdmin.CreateAsync(await registry.FirstAdminAsync(),
            new NewUser("bob@test.local", "", [], "Bobs-Passw0rd!"));

        Assert.Null(created.GeneratedPassword);
        Assert.True(await registry.PasswordWorksAsync(created.User.Id, "Bobs-Passw0rd!"));
        Assert.Empty(created.User.Roles);
        Assert.Equal("bob@test.local", created.User.ShownName);
    }

    [Fact]
    public async Task Creating_a_user_refuses_bad_input_and_creates_nothing()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.FirstAdminAsync();
        await registry.UserAdmin.CreateAsync(admin, new NewUser("taken@test.local", null, []));
        var before = (await registry.UserAdmin.ListAsync(admin, new UserQuery())).Total;

        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.UserAdmin.CreateAsync(admin, new NewUser("not-an-email", null, [])), "valid email");
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.UserAdmin.CreateAsync(admin, new NewUser("", null, [])), "valid email");
        await Expect.RefusalAsync(ErrorKind.AlreadyExists, () => registry.UserAdmin.CreateAsync(admin, new NewUser("TAKEN@test.local", null, [])), "taken@test.local");
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.UserAdmin.CreateAsync(admin, new NewUser("c@test.local", null, ["Superuser"])),
            "no role 'Superuser'");
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.UserAdmin.CreateAsync(admin, new NewUser("d@test.local", null, [], "short")),
            "Passwords must be at least");
        await Expect.RefusalAsync(ErrorKind.InvalidValue,
            () => registry.UserAdmin.CreateAsync(admin, new NewUser("e@test.local", new string('x', 101), [])), "at most 100");

        Assert.Equal(before, (await registry.UserAdmin.ListAsync(admin, new UserQuery())).Total);
        Assert.Single(await registry.AdminEventsAsync());
    }

    // Roles

    [Fact]
    public async Task Changing_roles_replaces_them_renews_the_security_stamp_and_takes_effect_at_once()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.FirstAdminAsync();
        var (model, _) = await registry.ModelWithVersionsAsync(1);
        var user = await registry.UserAsync(Roles.Reader);
        var stamp = await registry.SecurityStampAsync(user);
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Stages.TransitionAsync(user, model, 1, "Production"));

        await registry.UserAdmin.SetRolesAsync(admin, user.UserId, [Roles.ProductionManager, Roles.Editor]);

        Assert.Equal([Roles.Editor, Roles.ProductionManager], await registry.RolesOfAsync(user.UserId));
        Assert.NotEqual(stamp, await registry.SecurityStampAsync(user));
        await registry.Stages.TransitionAsync(user, model, 1, "Production");
        var recorded = Assert.Single(await registry.AdminEventsAsync());
        Assert.Equal((ActivityKind.UserRolesChanged, user.UserId), (recorded.Kind, recorded.SubjectUserId));
        Assert.EndsWith(": Read → Edit, Manage Production Versions", recorded.Detail);

        await registry.UserAdmin.SetRolesAsync(admin, user.UserId, []);
        Assert.Empty(await registry.RolesOfAsync(user.UserId));
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Models.GetAsync(user, model));
    }

    [Fact]
    public async Task Setting_the_same_roles_again_changes_nothing()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var user = await registry.UserAsync(Roles.Editor);
        var stamp = await registry.SecurityStampAsync(user);
        await registry.UserAdmin.SetRolesAsync(await registry.FirstAdminAsync(), user.UserId, [Roles.Editor]);
        Assert.Equal(stamp, await registry.SecurityStampAsync(user));
        Assert.Empty(await registry.AdminEventsAsync());
    }

    // There is always an admin

    [Fact]
    public async Task The_last_admin_cannot_lose_the_role_be_locked_or_be_deleted()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var only = await registry.FirstAdminAsync();

        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.UserAdmin.SetRolesAsync(only, only.UserId, [Roles.Manager]),
            "last admin", "Make another user an admin first");
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.UserAdmin.LockAsync(only, only.UserId), "last admin");
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.UserAdmin.DeleteAsync(only, only.UserId), "last admin");

        Assert.Equal([Roles.Admin], await registry.RolesOfAsync(only.UserId));
        Assert.False((await registry.UserAdmin.GetAsync(only, only.UserId)).IsLockedOut);
        Assert.Empty(await registry.AdminEventsAsync());
    }

    [Fact]
    public async Task With_a_second_admin_the_first_may_step_down_and_then_the_second_is_the_last()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var first = await registry.FirstAdminAsync();
        var second = await registry.AdminAsync();

        await registry.UserAdmin.SetRolesAsync(first, first.UserId, [Roles.Manager]);

        Assert.Equal([Roles.Manager], await registry.RolesOfAsync(first.UserId));
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.UserAdmin.DeleteAsync(second, second.UserId), "last admin");
        // The former admin's roles are read on every call: they are no admin any more.
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.UserAdmin.ListAsync(first, new UserQuery()), "Only admins");
    }

    [Fact]
    public async Task A_locked_admin_does_not_count_as_the_admin_that_remains()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var first = await registry.FirstAdminAsync();
        var second = await registry.AdminAsync();
        await registry.UserAdmin.LockAsync(first, second.UserId);

        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.UserAdmin.SetRolesAsync(first, first.UserId, []), "last admin");
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.UserAdmin.LockAsync(first, first.UserId), "last admin");

        await registry.UserAdmin.UnlockAsync(first, second.UserId);
        await registry.UserAdmin.DeleteAsync(first, second.UserId);
        Assert.Null(await registry.AccountAsync(second.UserId));
    }

    [Fact]
    public async Task Deleting_or_locking_a_non_admin_needs_no_other_admin()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var only = await registry.FirstAdminAsync();
        var user = await registry.UserAsync(Roles.Manager);
        await registry.UserAdmin.LockAsync(only, user.UserId);
        Assert.True((await registry.UserAdmin.GetAsync(only, user.UserId)).IsLockedOut); // the lock took, with one admin
        await registry.UserAdmin.DeleteAsync(only, user.UserId);
        Assert.Null(await registry.AccountAsync(user.UserId));
    }

    // Lock

    [Fact]
    public async Task A_locked_user_loses_every_right_at_once_and_unlocking_gives_them_back()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.FirstAdminAsync();
        var (other, _) = await registry.ModelWithVersionsAsync(1);
        var (own, owner) = await registry.ModelWithVersionsAsync(1);
        var stamp = await registry.SecurityStampAsync(owner);

        await registry.UserAdmin.LockAsync(admin, owner.UserId);

        var view = await registry.UserAdmin.GetAsync(admin, owner.UserId);
        Assert.True(view.IsLockedOut);
        Assert.True(view.LockedByAdmin);
        Assert.NotEqual(stamp, await registry.SecurityStampAsync(owner));
        // Not even the creator rule holds for a locked account.
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Models.GetAsync(owner, own));
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Stages.TransitionAsync(owner, own, 1, "Staging"));
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Models.CreateAsync(owner, "while-locked"));
        Assert.Equal(0, (await registry.Models.ListAsync(owner, new ModelQuery())).Total);
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Models.GetAsync(owner, other));

        await registry.UserAdmin.UnlockAsync(admin, owner.UserId);

        Assert.False((await registry.UserAdmin.GetAsync(admin, owner.UserId)).IsLockedOut);
        await registry.Stages.TransitionAsync(owner, own, 1, "Staging");
        Assert.Equal(2, (await registry.Models.ListAsync(owner, new ModelQuery())).Total);
        Assert.Equal([ActivityKind.UserLocked, ActivityKind.UserUnlocked], (await registry.AdminEventsAsync()).Select(e => e.Kind));
    }

    [Fact]
    public async Task Unlocking_a_user_who_is_not_locked_is_refused()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var user = await registry.UserAsync(Roles.Reader);
        var admin = await registry.FirstAdminAsync();
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.UserAdmin.UnlockAsync(admin, user.UserId), "is not locked");
    }

    [Fact]
    public async Task Unlocking_also_ends_a_lockout_from_failed_sign_ins()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.FirstAdminAsync();
        var created = await registry.UserAdmin.CreateAsync(admin, new NewUser("tries@test.local", null, [Roles.Reader]));
        await using (var scope = registry.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<RegistryPortal.Data.ApplicationUser>>();
            var user = (await users.FindByIdAsync(created.User.Id))!;
            for (var i = 0; i < 5; i++) await users.AccessFailedAsync(user);
            Assert.True(await users.IsLockedOutAsync(user));
        }
        var locked = await registry.UserAdmin.GetAsync(admin, created.User.Id);
        Assert.True(locked.IsLockedOut);
        Assert.False(locked.LockedByAdmin);

        await registry.UserAdmin.UnlockAsync(admin, created.User.Id);

        var account = (await registry.AccountAsync(created.User.Id))!;
        Assert.Null(account.LockoutEnd);
        Assert.Equal(0, account.AccessFailedCount);
    }

    // Reset password

    [Fact]
    public async Task Resetting_a_password_replaces_it_and_ends_the_users_sessions()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.FirstAdminAsync();
        var created = await registry.UserAdmin.CreateAsync(admin, new NewUser("forgot@test.local", null, [Roles.Reader], "Old-Passw0rd!"));
        var stamp = await registry.SecurityStampAsync(created.User.Id);

        var generated = await registry.UserAdmin.ResetPasswordAsync(admin, created.User.Id);

        Assert.NotNull(generated);
        Assert.True(await registry.PasswordWorksAsync(created.User.Id, generated));
        Assert.False(await registry.PasswordWorksAsync(created.User.Id, "Old-Passw0rd!"));
        Assert.NotEqual(stamp, await registry.SecurityStampAsync(created.User.Id));

        Assert.Null(await registry.UserAdmin.ResetPasswordAsync(admin, created.User.Id, "Chosen-Passw0rd!"));
        Assert.True(await registry.PasswordWorksAsync(created.User.Id, "Chosen-Passw0rd!"));
        Assert.Equal([ActivityKind.UserCreated, ActivityKind.UserPasswordReset, ActivityKind.UserPasswordReset],
            (await registry.AdminEventsAsync()).Select(e => e.Kind));
    }

    [Fact]
    public async Task A_weak_new_password_is_refused_and_the_old_one_still_works()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.FirstAdminAsync();
        var created = await registry.UserAdmin.CreateAsync(admin, new NewUser("keep@test.local", null, [], "Old-Passw0rd!"));

        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.UserAdmin.ResetPasswordAsync(admin, created.User.Id, "abc"), "Passwords must");

        Assert.True(await registry.PasswordWorksAsync(created.User.Id, "Old-Passw0rd!"));
    }

    // Delete

    [Fact]
    public async Task Deleting_a_user_keeps_their_history_shown_as_a_deleted_user()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.FirstAdminAsync();
        var (name, author) = await registry.ModelWithVersionsAsync(1);
        await registry.Activity.CommentAsync(author, name, 1, "looks good");
        var request = await registry.Requests.CreateAsync(author, name, 1, "Staging", comment: "please");
        var (other, otherOwner) = await registry.ModelWithVersionsAsync(0);
        await registry.Permissions.GrantAsync(otherOwner, other, author.UserId, PermissionLevel.Edit);
        await registry.Tokens.CreateAsync(author, "ci", DateTime.UtcNow.AddDays(7));

        await registry.UserAdmin.DeleteAsync(admin, author.UserId);

        Assert.Null(await registry.AccountAsync(author.UserId));
        var model = await registry.Models.GetAsync(admin, name);
        Assert.Equal(("deleted user", author.UserId), (model.CreatedBy, model.CreatedById));
        Assert.Equal("deleted user", (await registry.Versions.GetAsync(admin, name, 1)).CreatedBy);
        Assert.Equal("deleted user", Assert.Single(await registry.Requests.ListAsync(admin, name, 1)).RequestedBy);
        var history = await registry.Activity.ListAsync(admin, name);
        Assert.Contains(history, e => e.Kind == ActivityKind.Commented && e.User == "deleted user" && e.Comment == "looks good");
        Assert.Contains(history, e => e.Kind == ActivityKind.Requested && e.User == "deleted user");
        Assert.All(history.Where(e => e.Kind != ActivityKind.PermissionGranted), e => Assert.Equal("deleted user", e.User));
        // Their grants and tokens go with the account.
        Assert.Empty(await registry.Permissions.ListAsync(admin, other));
        Assert.Equal(0, await registry.QueryAsync(db => Task.FromResult(db.AccessTokens.Count())));
        Assert.Equal(RequestStatus.Pending, (await registry.RequestAsync(request.Id)).Status);

        var audit = (await registry.Audit.ListAsync(admin, new AuditQuery(Kind: ActivityKind.UserDeleted))).Items;
        var deleted = Assert.Single(audit);
        Assert.Equal(("deleted user", author.UserId), (deleted.Subject, deleted.SubjectUserId));
        Assert.Contains("@test.local", deleted.Detail); // who it was stays readable
    }

    [Fact]
    public async Task A_deleted_user_can_do_nothing_with_an_old_session()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        var admin = await registry.FirstAdminAsync();
        await registry.UserAdmin.DeleteAsync(admin, owner.UserId);

        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Models.GetAsync(owner, name));
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Models.CreateAsync(owner, "ghost"));
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.UserAdmin.DeleteAsync(admin, owner.UserId), "does not exist");
    }

    // List

    [Fact]
    public async Task The_user_list_searches_email_and_display_name_ignoring_case_and_pages_with_a_matching_total()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.FirstAdminAsync();
        foreach (var (email, display) in new[] { ("ann@corp.test", "Ann Analyst"), ("ben@corp.test", "Ben"), ("cid@else.test", "Corp Liaison"), ("dee@else.test", "Dee") })
            await registry.UserAdmin.CreateAsync(admin, new NewUser(email, display, [Roles.Reader]));

        var first = await registry.UserAdmin.ListAsync(admin, new UserQuery("CORP", PageIndex: 0, PageSize: 2));
        var second = await registry.UserAdmin.ListAsync(admin, new UserQuery("corp", PageIndex: 1, PageSize: 2));
        var everyone = await registry.UserAdmin.ListAsync(admin, new UserQuery());

        Assert.Equal(3, first.Total);
        Assert.Equal(["ann@corp.test", "ben@corp.test"], first.Items.Select(u => u.Email));
        Assert.Equal(["cid@else.test"], second.Items.Select(u => u.Email));
        Assert.Equal(5, everyone.Total); // and the first admin
        Assert.Contains(everyone.Items, u => u.Id == admin.UserId && u.IsAdmin);
    }
}
