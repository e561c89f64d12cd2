using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry;

public class DescriptionTests
{
    [Fact]
    public async Task An_editor_replaces_a_model_description_and_the_change_is_recorded()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(0);
        var editor = await registry.UserAsync(Roles.Editor);
        var loaded = await registry.Models.GetAsync(editor, name);

        await registry.Models.UpdateDescriptionAsync(editor, name, "## Inputs\n- amount", loaded.Description);

        var details = await registry.Models.GetAsync(editor, name);
        Assert.Equal("## Inputs\n- amount", details.Description);
        Assert.NotEqual(loaded.ConcurrencyStamp, details.ConcurrencyStamp);
        var described = (await registry.EventsAsync(name)).Last();
        Assert.Equal((ActivityKind.ModelDescribed, editor.UserId, "## Inputs\n- amount"), (described.Kind, described.UserId, described.Comment));
    }

    [Fact]
    public async Task A_model_description_saved_over_a_stale_copy_is_refused_as_a_conflict()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(0);
        var alice = await registry.UserAsync(Roles.Editor);
        var bob = await registry.UserAsync(Roles.Editor);
        var aliceCopy = await registry.Models.GetAsync(alice, name);
        var bobCopy = await registry.Models.GetAsync(bob, name);
        await registry.Models.UpdateDescriptionAsync(bob, name, "Bob's text", bobCopy.Description);

        await Expect.RefusalAsync(ErrorKind.Conflict, () => registry.Models.UpdateDescriptionAsync(alice, name, "Alice's text", aliceCopy.Description),
            "Someone else saved the description", $"'{name}'", "Reload to see their text");

        Assert.Equal("Bob's text", (await registry.Models.GetAsync(alice, name)).Description);
        var fresh = await registry.Models.GetAsync(alice, name);
        await registry.Models.UpdateDescriptionAsync(alice, name, "Alice's text", fresh.Description);
        Assert.Equal("Alice's text", (await registry.Models.GetAsync(alice, name)).Description);
    }

    [Fact]
    public async Task A_version_description_saved_over_a_stale_copy_is_refused_as_a_conflict()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        var stale = await registry.Versions.GetAsync(owner, name, 1);
        await registry.Versions.UpdateDescriptionAsync(owner, name, 1, "first save", stale.Description);

        await Expect.RefusalAsync(ErrorKind.Conflict, () => registry.Versions.UpdateDescriptionAsync(owner, name, 1, "second save", stale.Description),
            "Someone else saved the description", $"version 1 of '{name}'", "Reload");

        var view = await registry.Versions.GetAsync(owner, name, 1);
        Assert.Equal("first save", view.Description);
        await registry.Versions.UpdateDescriptionAsync(owner, name, 1, "second save", view.Description);
        Assert.Equal("second save", (await registry.Versions.GetAsync(owner, name, 1)).Description);
        var described = (await registry.EventsAsync(name)).Last();
        Assert.Equal((ActivityKind.VersionDescribed, 1, "second save"), (described.Kind, described.VersionNumber, described.Comment));
    }

    [Fact]
    public async Task A_transition_or_tag_change_by_someone_else_meanwhile_is_no_description_conflict()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        var loaded = await registry.Versions.GetAsync(owner, name, 1);
        await registry.Stages.TransitionAsync(owner, name, 1, "Staging");
        await registry.Versions.SetTagAsync(owner, name, 1, "k", "v");

        await registry.Versions.UpdateDescriptionAsync(owner, name, 1, "edit", loaded.Description);

        var view = await registry.Versions.GetAsync(owner, name, 1);
        Assert.Equal(("edit", Stage.Staging, "v"), (view.Description, view.Stage, view.Tags["k"]));
    }

    [Fact]
    public async Task Without_the_edited_from_text_the_description_is_replaced_as_MLflow_clients_expect()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        await registry.Models.UpdateDescriptionAsync(owner, name, "one");
        await registry.Models.UpdateDescriptionAsync(owner, name, "two");
        await registry.Versions.UpdateDescriptionAsync(owner, name, 1, "v-two");
        Assert.Equal("two", (await registry.Models.GetAsync(owner, name)).Description);
        Assert.Equal("v-two", (await registry.Versions.GetAsync(owner, name, 1)).Description);
    }

    [Fact]
    public async Task Editing_descriptions_needs_Edit()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(1);
        var reader = await registry.UserAsync(Roles.Reader);
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Models.UpdateDescriptionAsync(reader, name, "x"),
            "You need Edit", "edit its description");
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Versions.UpdateDescriptionAsync(reader, name, 1, "x"),
            "You need Edit", "edit a version's description");
    }

    [Fact]
    public async Task Descriptions_are_limited_to_100000_characters_everywhere()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        var tooLong = new string('d', 100_001);

        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Models.UpdateDescriptionAsync(owner, name, tooLong), "at most 100,000");
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Versions.UpdateDescriptionAsync(owner, name, 1, tooLong), "at most 100,000");
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Versions.RegisterAsync(owner, new NewVersion(name, "s3://x", Description: tooLong)), "at most 100,000");
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Models.CreateAsync(owner, "other", tooLong), "at most 100,000");

        await registry.Models.UpdateDescriptionAsync(owner, name, new string('d', 100_000));
        Assert.Equal(100_000, (await registry.Models.GetAsync(owner, name)).Description.Length);
    }
}
