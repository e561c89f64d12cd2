using RegistryPortal.Domain;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Security;

/// <summary>What the permissions panel asks before granting: whom to pick (FindUsersAsync) and the caller's role level.</summary>
public class GrantChoiceTests
{
    [Fact]
    public async Task Users_are_found_by_part_of_their_email_or_display_name_ignoring_case_ordered_by_email()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);
        var alice = await registry.UserAsync(); // user2@test.local, "User 2"
        var admin = await registry.AdminAsync();
        await registry.UserAdmin.SetDisplayNameAsync(admin, alice.UserId, "Alice Zed");

        var byName = await registry.Permissions.FindUsersAsync(owner, name, "  zED ");
        Assert.Equal([(alice.UserId, "Alice Zed", "user2@test.local")], byName.Select(u => (u.UserId, u.User, u.Email)));
        Assert.Equal("Alice Zed <user2@test.local>", byName[0].ToString());

        var byEmail = await registry.Permissions.FindUsersAsync(owner, name, "USER1@");
        Assert.Equal([owner.UserId], byEmail.Select(u => u.UserId));

        var all = await registry.Permissions.FindUsersAsync(owner, name, null);
        Assert.Equal(all.Select(u => u.Email.ToUpperInvariant()).Order(StringComparer.Ordinal), all.Select(u => u.Email.ToUpperInvariant()));
        Assert.Superset(new HashSet<string> { owner.UserId, alice.UserId, admin.UserId }, all.Select(u => u.UserId).ToHashSet());

        Assert.Empty(await registry.Permissions.FindUsersAsync(owner, name, "nobody-has-this"));
    }

    [Fact]
    public async Task The_list_is_limited_between_1_and_50()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);
        for (var i = 0; i < 4; i++) await registry.UserAsync();

        Assert.Equal(2, (await registry.Permissions.FindUsersAsync(owner, name, "test.local", limit: 2)).Count);
        Assert.Single(await registry.Permissions.FindUsersAsync(owner, name, "test.local", limit: 0));
        Assert.Equal(5, (await registry.Permissions.FindUsersAsync(owner, name, "test.local", limit: 500)).Count);
    }

    [Theory]
    [InlineData(PermissionLevel.Read)]
    [InlineData(PermissionLevel.Edit)]
    [InlineData(PermissionLevel.ManageProductionVersions)]
    public async Task Below_Manage_finding_users_is_refused(PermissionLevel level)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(0);
        var user = await registry.UserWithLevelAsync(level);

        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Permissions.FindUsersAsync(user, name, "user"),
            $"You need Manage on '{name}' to change its permissions", $"you have {level.DisplayName()}");
    }

    [Fact]
    public async Task A_Manage_grant_lets_a_user_find_users_and_a_hidden_or_missing_model_is_not_found()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);
        var granted = await registry.UserAsync();
        var outsider = await registry.UserAsync();

        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Permissions.FindUsersAsync(granted, name, null), $"Registered model '{name}' does not exist");
        await registry.Permissions.GrantAsync(owner, name, granted.UserId, PermissionLevel.Manage);
        Assert.Contains(await registry.Permissions.FindUsersAsync(granted, name, null), u => u.UserId == outsider.UserId);

        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Permissions.FindUsersAsync(outsider, name, null), $"Registered model '{name}' does not exist");
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Permissions.FindUsersAsync(owner, "no-such-model", null), "Registered model 'no-such-model' does not exist");
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Permissions.FindUsersAsync(owner, "", null), "A model name is required");
    }

    [Fact]
    public async Task The_role_level_is_the_highest_role_s_and_a_grant_or_creating_a_model_does_not_raise_it()
    {
        await using var registry = await TestRegistry.CreateAsync();
        foreach (var role in Roles.All)
            Assert.Equal(Roles.LevelOf(role), await registry.Permissions.RoleLevelAsync(await registry.UserAsync(role)));
        Assert.Equal(PermissionLevel.ManageProductionVersions,
            await registry.Permissions.RoleLevelAsync(await registry.UserAsync(Roles.Reader, Roles.ProductionManager, Roles.Editor)));

        var (name, owner) = await registry.ModelWithVersionsAsync(0); // an Editor, who holds Manage on this model as its creator
        var granted = await registry.UserAsync();
        await registry.Permissions.GrantAsync(owner, name, granted.UserId, PermissionLevel.Manage);

        Assert.Equal(PermissionLevel.Edit, await registry.Permissions.RoleLevelAsync(owner));
        Assert.Equal(PermissionLevel.None, await registry.Permissions.RoleLevelAsync(granted));
        Assert.Equal(PermissionLevel.Manage, await registry.Permissions.LevelAsync(granted, name));
    }

    [Fact]
    public async Task A_locked_or_unknown_account_has_no_role_level()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var manager = await registry.UserAsync(Roles.Manager);
        await registry.UserAdmin.LockAsync(await registry.AdminAsync(), manager.UserId);

        Assert.Equal(PermissionLevel.None, await registry.Permissions.RoleLevelAsync(manager));
        Assert.Equal(PermissionLevel.None, await registry.Permissions.RoleLevelAsync(new RegistryPortal.Security.Actor("no-such-user")));
    }
}
