using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry;

public class TagTests
{
    [Fact]
    public async Task Model_tags_are_set_overwritten_and_deleted_with_activity()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(0);
        var editor = await registry.UserAsync(Roles.Editor);

        await registry.Models.SetTagAsync(editor, name, "team", "risk");
        await registry.Models.SetTagAsync(editor, name, "task", "classification");
        await registry.Models.SetTagAsync(editor, name, "team", "fraud");
        Assert.Equal(new Dictionary<string, string> { ["task"] = "classification", ["team"] = "fraud" }, (await registry.Models.GetAsync(editor, name)).Tags);

        await registry.Models.DeleteTagAsync(editor, name, "task");
        Assert.Equal(new Dictionary<string, string> { ["team"] = "fraud" }, (await registry.Models.GetAsync(editor, name)).Tags);

        var events = (await registry.EventsAsync(name)).Skip(1).Select(e => (e.Kind, e.Detail, e.UserId));
        Assert.Equal(
        [
            (ActivityKind.ModelTagged, "team = risk", editor.UserId), (ActivityKind.ModelTagged, "task = classification", editor.UserId),
            (ActivityKind.ModelTagged, "team = fraud", editor.UserId), (ActivityKind.ModelUntagged, "task", editor.UserId),
        ], events);
    }

    [Fact]
    public async Task Version_tags_are_set_overwritten_and_deleted_with_activity()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(2);
        var editor = await registry.UserAsync(Roles.Editor);

        await registry.Versions.SetTagAsync(editor, name, 2, "auc", "0.90");
        await registry.Versions.SetTagAsync(editor, name, 2, "auc", "0.93");
        await registry.Versions.SetTagAsync(editor, name, 2, "owner", "ana");
        await registry.Versions.DeleteTagAsync(editor, name, 2, "owner");

        Assert.Equal(new Dictionary<string, string> { ["auc"] = "0.93" }, (await registry.Versions.GetAsync(editor, name, 2)).Tags);
        Assert.Empty((await registry.Versions.GetAsync(editor, name, 1)).Tags);
        var events = (await registry.EventsAsync(name)).Where(e => e.Kind is ActivityKind.VersionTagged or ActivityKind.VersionUntagged)
            .Select(e => (e.Kind, e.VersionNumber, e.Detail));
        Assert.Equal(
        [
            (ActivityKind.VersionTagged, (int?)2, "auc = 0.90"), (ActivityKind.VersionTagged, 2, "auc = 0.93"),
            (ActivityKind.VersionTagged, 2, "owner = ana"), (ActivityKind.VersionUntagged, 2, "owner"),
        ], events);
    }

    [Fact]
    public async Task Tags_at_the_limits_are_kept_whole()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        var key = new string('k', 250);
        var value = new string('v', 5000);
        await registry.Models.SetTagAsync(owner, name, key, value);
        await registry.Versions.SetTagAsync(owner, name, 1, key, value);
        Assert.Equal(value, (await registry.Models.GetAsync(owner, name)).Tags[key]);
        Assert.Equal(value, (await registry.Versions.GetAsync(owner, name, 1)).Tags[key]);
    }

    [Fact]
    public async Task Tags_over_the_limits_are_refused_on_models_and_versions()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        var longKey = new string('k', 251);
        var longValue = new string('v', 5001);

        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Models.SetTagAsync(owner, name, longKey, "x"), "limit is 250");
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Models.SetTagAsync(owner, name, "notes", longValue), "limit is 5000");
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Versions.SetTagAsync(owner, name, 1, longKey, "x"), "limit is 250");
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Versions.SetTagAsync(owner, name, 1, "notes", longValue), "limit is 5000");
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Models.SetTagAsync(owner, name, " ", "x"), "tag key is required");

        Assert.Equal((0, 0), await registry.QueryAsync(async db => (await db.ModelTags.CountAsync(), await db.VersionTags.CountAsync())));
    }

    [Fact]
    public async Task Deleting_a_missing_tag_is_not_found()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Models.DeleteTagAsync(owner, name, "nope"), $"'{name}' has no tag 'nope'");
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Versions.DeleteTagAsync(owner, name, 1, "nope"), "has no tag 'nope'");
    }

    [Fact]
    public async Task Editing_tags_needs_Edit()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        await registry.Models.SetTagAsync(owner, name, "team", "risk");
        var reader = await registry.UserAsync(Roles.Reader);

        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Models.SetTagAsync(reader, name, "team", "x"), "You need Edit", "edit its tags");
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Models.DeleteTagAsync(reader, name, "team"), "You need Edit");
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Versions.SetTagAsync(reader, name, 1, "k", "v"), "You need Edit", "edit a version's tags");
        Assert.Equal("risk", (await registry.Models.GetAsync(reader, name)).Tags["team"]);
    }
}
