using RegistryPortal.Domain;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Security;

public class EffectivePermissionTests
{
    [Theory]
    [InlineData(Roles.Reader, PermissionLevel.Read)]
    [InlineData(Roles.Editor, PermissionLevel.Edit)]
    [InlineData(Roles.StagingManager, PermissionLevel.ManageStagingVersions)]
    [InlineData(Roles.ProductionManager, PermissionLevel.ManageProductionVersions)]
    [InlineData(Roles.Manager, PermissionLevel.Manage)]
    [InlineData(Roles.Admin, PermissionLevel.Manage)]
    public async Task A_role_gives_its_level_on_every_model(string role, PermissionLevel level)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (a, _) = await registry.ModelWithVersionsAsync(0);
        var (b, _) = await registry.ModelWithVersionsAsync(0);
        var user = await registry.UserAsync(role);
        Assert.Equal(level, await registry.Permissions.LevelAsync(user, a));
        Assert.Equal(level, await registry.Permissions.LevelAsync(user, b));
        Assert.Equal(level, (await registry.Models.GetAsync(user, b)).YourLevel);
    }

    [Fact]
    public async Task Several_roles_give_the_highest()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelInStagesAsync(Stage.Staging);
        var user = await registry.UserAsync(Roles.Reader, Roles.ProductionManager, Roles.Editor);
        Assert.Equal(PermissionLevel.ManageProductionVersions, await registry.Permissions.LevelAsync(user, name));
        await registry.Stages.TransitionAsync(user, name, 1, "Production");
        Assert.Equal(Stage.Production, await registry.StageOfAsync(name, 1));
    }

    [Fact]
    public async Task The_creator_holds_Manage_on_their_model_only()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (mine, creator) = await registry.ModelInStagesAsync(Stage.Production);
        var (theirs, _) = await registry.ModelWithVersionsAsync(1);

        Assert.Equal(PermissionLevel.Manage, await registry.Permissions.LevelAsync(creator, mine));
        Assert.Equal(PermissionLevel.Edit, await registry.Permissions.LevelAsync(creator, theirs));
        await registry.Stages.TransitionAsync(creator, mine, 1, "Archived");
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Stages.TransitionAsync(creator, theirs, 1, "Staging"),
            "You need Manage Staging Versions", "you have Edit");
    }

    [Fact]
    public async Task The_creator_keeps_Manage_after_losing_every_role()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, creator) = await registry.ModelWithVersionsAsync(1);
        await registry.SetRolesAsync(creator);

        Assert.Equal(PermissionLevel.Manage, await registry.Permissions.LevelAsync(creator, name));
        await registry.Versions.DeleteAsync(creator, name, 1);
        Assert.Equal(0, (await registry.Versions.ListAsync(creator, name)).Total);
    }

    [Fact]
    public async Task A_grant_raises_the_level_on_that_model_only()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (granted, owner) = await registry.ModelInStagesAsync(Stage.Staging);
        var (other, _) = await registry.ModelInStagesAsync(Stage.Staging);
        var reader = await registry.UserAsync(Roles.Reader);

        await registry.Permissions.GrantAsync(owner, granted, reader.UserId, PermissionLevel.ManageProductionVersions);

        Assert.Equal(PermissionLevel.ManageProductionVersions, await registry.Permissions.LevelAsync(reader, granted));
        Assert.Equal(PermissionLevel.Read, await registry.Permissions.LevelAsync(reader, other));
        await registry.Stages.TransitionAsync(reader, granted, 1, "Production");
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Stages.TransitionAsync(reader, other, 1, "Production"),
            "You need Manage Production Versions", "you have Read");
        Assert.Equal(Stage.Production, await registry.StageOfAsync(granted, 1));
        Assert.Equal(Stage.Staging, await registry.StageOfAsync(other, 1));
    }

    [Fact]
    public async Task A_grant_below_the_role_level_does_not_lower_it()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);
        var manager = await registry.UserAsync(Roles.StagingManager);
        await registry.Permissions.GrantAsync(owner, name, manager.UserId, PermissionLevel.Read);
        Assert.Equal(PermissionLevel.ManageStagingVersions, await registry.Permissions.LevelAsync(manager, name));
    }

    [Fact]
    public async Task A_user_without_roles_gets_exactly_the_granted_level()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        var user = await registry.UserAsync();
        await registry.Permissions.GrantAsync(owner, name, user.UserId, PermissionLevel.Edit);

        Assert.Equal(PermissionLevel.Edit, await registry.Permissions.LevelAsync(user, name));
        await registry.Versions.SetTagAsync(user, name, 1, "checked", "yes");
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Stages.TransitionAsync(user, name, 1, "Staging"), "you have Edit");
    }

    [Fact]
    public async Task Changing_a_grant_replaces_it_and_revoking_falls_back_to_the_role()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);
        var reader = await registry.UserAsync(Roles.Reader);

        await registry.Permissions.GrantAsync(owner, name, reader.UserId, PermissionLevel.Manage);
        await registry.Permissions.GrantAsync(owner, name, reader.UserId, PermissionLevel.Edit);
        Assert.Equal(PermissionLevel.Edit, await registry.Permissions.LevelAsync(reader, name));
        var grant = Assert.Single(await registry.Permissions.ListAsync(owner, name));
        Assert.Equal((reader.UserId, PermissionLevel.Edit), (grant.UserId, grant.Level));

        await registry.Permissions.RevokeAsync(owner, name, reader.UserId);
        Assert.Equal(PermissionLevel.Read, await registry.Permissions.LevelAsync(reader, name));
        Assert.Empty(await registry.Permissions.ListAsync(owner, name));
    }

    [Fact]
    public async Task A_role_change_takes_effect_at_once()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(1);
        var user = await registry.UserAsync(Roles.StagingManager);
        await registry.Stages.TransitionAsync(user, name, 1, "Staging");

        await registry.SetRolesAsync(user, Roles.Reader);

        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Stages.TransitionAsync(user, name, 1, "None"), "you have Read");
    }

    // Who may change permissions

    [Theory]
    [InlineData(Roles.Editor)]
    [InlineData(Roles.ProductionManager)]
    public async Task Granting_needs_Manage_on_the_model(string role)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);
        var user = await registry.UserAsync(role);
        var target = await registry.UserAsync();
        await registry.Permissions.GrantAsync(owner, name, target.UserId, PermissionLevel.Read);

        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Permissions.GrantAsync(user, name, target.UserId, PermissionLevel.Manage),
            "You need Manage", "change its permissions");
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Permissions.RevokeAsync(user, name, target.UserId), "You need Manage");
        Assert.Equal(PermissionLevel.Read, await registry.Permissions.LevelAsync(target, name));
    }

    [Fact]
    public async Task A_user_granted_Manage_may_grant_on_that_model()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);
        var delegateUser = await registry.UserAsync(Roles.Reader);
        var target = await registry.UserAsync();
        await registry.Permissions.GrantAsync(owner, name, delegateUser.UserId, PermissionLevel.Manage);

        await registry.Permissions.GrantAsync(delegateUser, name, target.UserId, PermissionLevel.Edit);

        Assert.Equal(PermissionLevel.Edit, await registry.Permissions.LevelAsync(target, name));
    }

    [Fact]
    public async Task An_admin_manages_every_models_grants()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(0);
        var admin = await registry.AdminAsync();
        var user = await registry.UserAsync();

        await registry.Permissions.GrantAsync(admin, name, user.UserId, PermissionLevel.ManageStagingVersions);

        Assert.Equal(PermissionLevel.ManageStagingVersions, await registry.Permissions.LevelAsync(user, name));
        var grant = Assert.Single(await registry.Permissions.ListAsync(admin, name));
        Assert.Equal(user.UserId, grant.UserId);
    }

    [Fact]
    public async Task Granting_no_level_or_to_an_unknown_user_is_refused()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);
        var user = await registry.UserAsync();

        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Permissions.GrantAsync(owner, name, user.UserId, PermissionLevel.None),
            "Choose a level", "revoke");
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Permissions.GrantAsync(owner, name, "no-such-user", PermissionLevel.Read),
            "user does not exist");
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Permissions.RevokeAsync(owner, name, user.UserId), "has no grant");
        Assert.Empty(await registry.Permissions.ListAsync(owner, name));
    }
}
