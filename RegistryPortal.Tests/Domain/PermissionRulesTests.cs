using RegistryPortal.Domain;
using RegistryPortal.Security;

namespace RegistryPortal.Tests.Domain;

public class PermissionRulesTests
{
    [Theory]
    // None, Staging and Archived among themselves: Manage Staging Versions.
    [InlineData(Stage.None, Stage.Staging, PermissionLevel.ManageStagingVersions)]
    [InlineData(Stage.None, Stage.Archived, PermissionLevel.ManageStagingVersions)]
    [InlineData(Stage.Staging, Stage.None, PermissionLevel.ManageStagingVersions)]
    [InlineData(Stage.Staging, Stage.Archived, PermissionLevel.ManageStagingVersions)]
    [InlineData(Stage.Archived, Stage.None, PermissionLevel.ManageStagingVersions)]
    [InlineData(Stage.Archived, Stage.Staging, PermissionLevel.ManageStagingVersions)]
    // Any move to or from Production: Manage Production Versions.
    [InlineData(Stage.None, Stage.Production, PermissionLevel.ManageProductionVersions)]
    [InlineData(Stage.Staging, Stage.Production, PermissionLevel.ManageProductionVersions)]
    [InlineData(Stage.Archived, Stage.Production, PermissionLevel.ManageProductionVersions)]
    [InlineData(Stage.Production, Stage.None, PermissionLevel.ManageProductionVersions)]
    [InlineData(Stage.Production, Stage.Staging, PermissionLevel.ManageProductionVersions)]
    [InlineData(Stage.Production, Stage.Archived, PermissionLevel.ManageProductionVersions)]
    public void RequiredToMove_follows_the_permission_table(Stage from, Stage to, PermissionLevel required) =>
        Assert.Equal(required, PermissionLevels.RequiredToMove(from, to));

    [Fact]
    public void Levels_are_ordered_Read_Edit_Staging_Production_Manage()
    {
        PermissionLevel[] ordered =
        [
            PermissionLevel.None, PermissionLevel.Read, PermissionLevel.Edit, PermissionLevel.ManageStagingVersions,
            PermissionLevel.ManageProductionVersions, PermissionLevel.Manage,
        ];
        Assert.Equal(ordered, Enum.GetValues<PermissionLevel>().Order());
    }

    [Theory]
    [InlineData(Ability.Read, PermissionLevel.Read)]
    [InlineData(Ability.Edit, PermissionLevel.Edit)]
    [InlineData(Ability.ManageStagingVersions, PermissionLevel.ManageStagingVersions)]
    [InlineData(Ability.ManageProductionVersions, PermissionLevel.ManageProductionVersions)]
    [InlineData(Ability.Manage, PermissionLevel.Manage)]
    public void Each_ability_needs_its_lowest_level_and_every_higher_level_allows_it(Ability ability, PermissionLevel lowest)
    {
        Assert.Equal(lowest, ability.LowestLevel());
        foreach (var level in Enum.GetValues<PermissionLevel>())
        {
            Assert.Equal(level >= lowest, level.Allows(ability));
        }
    }

    [Theory]
    [InlineData(Roles.Reader, PermissionLevel.Read)]
    [InlineData(Roles.Editor, PermissionLevel.Edit)]
    [InlineData(Roles.StagingManager, PermissionLevel.ManageStagingVersions)]
    [InlineData(Roles.ProductionManager, PermissionLevel.ManageProductionVersions)]
    [InlineData(Roles.Manager, PermissionLevel.Manage)]
    [InlineData(Roles.Admin, PermissionLevel.Manage)]
    [InlineData("Stranger", PermissionLevel.None)]
    public void Each_role_gives_its_level_on_every_model(string role, PermissionLevel level) => Assert.Equal(level, Roles.LevelOf(role));

    [Fact]
    public void Several_roles_give_the_highest_of_their_levels_and_no_role_gives_none()
    {
        Assert.Equal(PermissionLevel.ManageProductionVersions,
            new UserAccess("u", [Roles.Reader, Roles.ProductionManager, Roles.Editor]).RoleLevel);
        Assert.Equal(PermissionLevel.None, new UserAccess("u", []).RoleLevel);
        Assert.True(new UserAccess("u", [Roles.Admin]).IsAdmin);
        Assert.False(new UserAccess("u", [Roles.Manager]).IsAdmin);
    }

    [Fact]
    public void Every_role_is_listed()
    {
        Assert.Equal([Roles.Reader, Roles.Editor, Roles.StagingManager, Roles.ProductionManager, Roles.Manager, Roles.Admin], Roles.All);
    }

    [Theory]
    [InlineData(PermissionLevel.ManageStagingVersions, "Manage Staging Versions")]
    [InlineData(PermissionLevel.ManageProductionVersions, "Manage Production Versions")]
    [InlineData(PermissionLevel.None, "No access")]
    public void Levels_have_the_names_users_read(PermissionLevel level, string name) => Assert.Equal(name, level.DisplayName());
}
