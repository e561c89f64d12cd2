using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry;

public class AliasTests
{
    [Fact]
    public async Task An_alias_points_to_a_version()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(2);
        var editor = await registry.UserAsync(Roles.Editor);

        await registry.Aliases.SetAsync(editor, name, "champion", 1);

        Assert.Equal(1, (await registry.Aliases.GetVersionAsync(editor, name, "champion")).Version);
        Assert.Equal(["champion"], (await registry.Versions.GetAsync(editor, name, 1)).Aliases);
        Assert.Equal([new AliasView("champion", 1)], (await registry.Models.GetAsync(editor, name)).Aliases);
        var set = (await registry.EventsAsync(name)).Last();
        Assert.Equal((ActivityKind.AliasSet, 1, editor.UserId), (set.Kind, set.VersionNumber, set.UserId));
        Assert.Contains("champion", set.Detail);
    }

    [Fact]
    public async Task Setting_an_existing_alias_moves_it_to_the_new_version()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(2);
        await registry.Aliases.SetAsync(owner, name, "champion", 1);

        await registry.Aliases.SetAsync(owner, name, "champion", 2);

        Assert.Equal(2, (await registry.Aliases.GetVersionAsync(owner, name, "champion")).Version);
        Assert.Empty((await registry.Versions.GetAsync(owner, name, 1)).Aliases);
        Assert.Equal(["champion"], (await registry.Versions.GetAsync(owner, name, 2)).Aliases);
        Assert.Equal(1, await registry.QueryAsync(db => db.Aliases.CountAsync()));
        var moved = (await registry.EventsAsync(name)).Last();
        Assert.Equal(ActivityKind.AliasSet, moved.Kind);
        Assert.Contains("moved from version 1 to version 2", moved.Detail);
    }

    [Fact]
    public async Task A_version_may_carry_several_aliases_and_models_have_their_own()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (a, owner) = await registry.ModelWithVersionsAsync(2);
        var (b, _) = await registry.ModelWithVersionsAsync(1, owner: owner);
        await registry.Aliases.SetAsync(owner, a, "champion", 2);
        await registry.Aliases.SetAsync(owner, a, "blue", 2);
        await registry.Aliases.SetAsync(owner, b, "champion", 1);

        Assert.Equal(["blue", "champion"], (await registry.Versions.GetAsync(owner, a, 2)).Aliases);
        Assert.Equal(2, (await registry.Aliases.GetVersionAsync(owner, a, "champion")).Version);
        Assert.Equal(1, (await registry.Aliases.GetVersionAsync(owner, b, "champion")).Version);
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("Latest")]
    [InlineData("v1")]
    [InlineData("V2")]
    public async Task Reserved_names_are_refused(string alias)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(2);
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Aliases.SetAsync(owner, name, alias, 1), "is reserved", "Choose another alias");
        Assert.Equal(0, await registry.QueryAsync(db => db.Aliases.CountAsync()));
    }

    [Theory]
    [InlineData("two words", "only contain letters")]
    [InlineData("", "alias name is required")]
    public async Task Invalid_names_are_refused(string alias, string says)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Aliases.SetAsync(owner, name, alias, 1), says);
    }

    [Fact]
    public async Task An_alias_to_a_missing_version_is_not_found()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Aliases.SetAsync(owner, name, "champion", 5), "Version 5", "does not exist");
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Aliases.GetVersionAsync(owner, name, "champion"), $"'{name}' has no alias 'champion'");
    }

    [Fact]
    public async Task Deleting_an_alias_removes_only_it_and_is_recorded()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        await registry.Aliases.SetAsync(owner, name, "champion", 1);
        await registry.Aliases.SetAsync(owner, name, "blue", 1);

        await registry.Aliases.DeleteAsync(owner, name, "champion");

        Assert.Equal(["blue"], (await registry.Versions.GetAsync(owner, name, 1)).Aliases);
        var deleted = (await registry.EventsAsync(name)).Last();
        Assert.Equal((ActivityKind.AliasDeleted, "champion", 1), (deleted.Kind, deleted.Detail, deleted.VersionNumber));
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Aliases.DeleteAsync(owner, name, "champion"), "has no alias 'champion'");
    }

    [Fact]
    public async Task Setting_and_deleting_aliases_needs_Edit()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        await registry.Aliases.SetAsync(owner, name, "champion", 1);
        var reader = await registry.UserAsync(Roles.Reader);

        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Aliases.SetAsync(reader, name, "blue", 1), "You need Edit", "set aliases");
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Aliases.DeleteAsync(reader, name, "champion"), "You need Edit", "delete aliases");
        Assert.Equal(1, (await registry.Aliases.GetVersionAsync(reader, name, "champion")).Version);
    }
}
