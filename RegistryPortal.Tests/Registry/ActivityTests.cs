using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry;

public class ActivityTests
{
    /// <summary>
    /// The starting point of every change below: a model with version 1 in Staging, version 2 in None,
    /// version 3 PENDING_REGISTRATION, a pending request (version 2 to Staging, by a reader), a model tag,
    /// a version tag and an alias. The change is made by an admin who is not the model's creator.
    /// </summary>
    private sealed record Scene(TestRegistry Registry, string Name, Actor Owner, Actor Reader, Actor Admin, int RequestId);

    private static async Task<Scene> SceneAsync(TestRegistry registry)
    {
        var (name, owner) = await registry.ModelInStagesAsync(Stage.Staging, Stage.None);
        await registry.RegisterAsync(owner, name, pending: true);
        var reader = await registry.UserAsync(Roles.Reader);
        var request = await registry.Requests.CreateAsync(reader, name, 2, "Staging", comment: "please");
        await registry.Models.SetTagAsync(owner, name, "team", "risk");
        await registry.Versions.SetTagAsync(owner, name, 1, "auc", "0.9");
        await registry.Aliases.SetAsync(owner, name, "champion", 1);
        return new Scene(registry, name, owner, reader, await registry.AdminAsync(), request.Id);
    }

    private static readonly Dictionary<string, (Func<Scene, Task> Change, ActivityKind[] Kinds, int? Version)> Changes = new()
    {
        ["register"] = (s => s.Registry.Versions.RegisterAsync(s.Admin, new NewVersion(s.Name, "s3://new")), [ActivityKind.VersionRegistered], 4),
        ["complete registration"] = (s => s.Registry.Versions.CompleteRegistrationAsync(s.Admin, s.Name, 3, true), [ActivityKind.RegistrationCompleted], 3),
        ["fail registration"] = (s => s.Registry.Versions.CompleteRegistrationAsync(s.Admin, s.Name, 3, false, "boom"), [ActivityKind.RegistrationFailed], 3),
        ["transition"] = (s => s.Registry.Stages.TransitionAsync(s.Admin, s.Name, 1, "Production", comment: "go"), [ActivityKind.Transitioned], 1),
        ["transition archiving another"] = (s => s.Registry.Stages.TransitionAsync(s.Admin, s.Name, 2, "Staging", archiveExisting: true),
            [ActivityKind.Transitioned, ActivityKind.Superseded, ActivityKind.Transitioned], null),
        ["request"] = (s => s.Registry.Requests.CreateAsync(s.Reader, s.Name, 1, "Production"), [ActivityKind.Requested], 1),
        ["approve"] = (s => s.Registry.Requests.ApproveAsync(s.Admin, s.RequestId, "ok"), [ActivityKind.Approved], 2),
        ["reject"] = (s => s.Registry.Requests.RejectAsync(s.Admin, s.RequestId, "no"), [ActivityKind.Rejected], 2),
        ["cancel"] = (s => s.Registry.Requests.CancelAsync(s.Admin, s.RequestId), [ActivityKind.Cancelled], 2),
        ["supersede"] = (s => s.Registry.Stages.TransitionAsync(s.Admin, s.Name, 2, "Staging"), [ActivityKind.Transitioned, ActivityKind.Superseded], 2),
        ["describe model"] = (s => s.Registry.Models.UpdateDescriptionAsync(s.Admin, s.Name, "text"), [ActivityKind.ModelDescribed], null),
        ["describe version"] = (s => s.Registry.Versions.UpdateDescriptionAsync(s.Admin, s.Name, 1, "text"), [ActivityKind.VersionDescribed], 1),
        ["tag model"] = (s => s.Registry.Models.SetTagAsync(s.Admin, s.Name, "k", "v"), [ActivityKind.ModelTagged], null),
        ["untag model"] = (s => s.Registry.Models.DeleteTagAsync(s.Admin, s.Name, "team"), [ActivityKind.ModelUntagged], null),
        ["tag version"] = (s => s.Registry.Versions.SetTagAsync(s.Admin, s.Name, 1, "k", "v"), [ActivityKind.VersionTagged], 1),
        ["untag version"] = (s => s.Registry.Versions.DeleteTagAsync(s.Admin, s.Name, 1, "auc"), [ActivityKind.VersionUntagged], 1),
        ["comment"] = (s => s.Registry.Activity.CommentAsync(s.Admin, s.Name, 2, "nice"), [ActivityKind.Commented], 2),
        ["set alias"] = (s => s.Registry.Aliases.SetAsync(s.Admin, s.Name, "blue", 2), [ActivityKind.AliasSet], 2),
        ["delete alias"] = (s => s.Registry.Aliases.DeleteAsync(s.Admin, s.Name, "champion"), [ActivityKind.AliasDeleted], 1),
        ["delete version"] = (s => s.Registry.Versions.DeleteAsync(s.Admin, s.Name, 2), [ActivityKind.VersionDeleted], 2),
        ["settings"] = (s => s.Registry.Models.SetOneVersionPerStageAsync(s.Admin, s.Name, true), [ActivityKind.ModelSettingsChanged], null),
        ["grant"] = (s => s.Registry.Permissions.GrantAsync(s.Admin, s.Name, s.Reader.UserId, PermissionLevel.Edit), [ActivityKind.PermissionGranted], null),
    };

    public static TheoryData<string> ChangeNames() => new(Changes.Keys);

    [Theory]
    [MemberData(nameof(ChangeNames))]
    public async Task Every_change_appends_its_events_naming_who_made_it(string change)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var scene = await SceneAsync(registry);
        var (act, kinds, version) = Changes[change];
        var before = await registry.EventsAsync(scene.Name);

        await act(scene);

        var after = await registry.EventsAsync(scene.Name);
        Assert.Equal(before.Select(e => e.Id), after.Take(before.Count).Select(e => e.Id)); // nothing earlier changed
        var added = after.Skip(before.Count).ToList();
        Assert.Equal(kinds, added.Select(e => e.Kind));
        var actor = change == "request" ? scene.Reader : scene.Admin;
        Assert.All(added, e =>
        {
            Assert.Equal(actor.UserId, e.UserId);
            Assert.Equal(scene.Name, e.ModelName);
            Assert.InRange(e.At, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddSeconds(1));
        });
        if (version is not null) Assert.Equal(version, added[0].VersionNumber);
    }

    [Fact]
    public async Task Creating_a_model_and_renaming_it_are_recorded()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var editor = await registry.UserAsync(Roles.Editor);
        await registry.Models.CreateAsync(editor, "first-name", "about it");
        await registry.Models.RenameAsync(editor, "first-name", "second-name");

        var events = await registry.EventsAsync("second-name");
        Assert.Equal([ActivityKind.ModelCreated, ActivityKind.ModelRenamed], events.Select(e => e.Kind));
        Assert.Equal(("first-name", "about it"), (events[0].ModelName, events[0].Comment));
        Assert.Equal("second-name", events[1].ModelName);
    }

    [Fact]
    public async Task Revoking_a_grant_is_recorded()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);
        var user = await registry.UserAsync();
        await registry.Permissions.GrantAsync(owner, name, user.UserId, PermissionLevel.Read);
        await registry.Permissions.RevokeAsync(owner, name, user.UserId);
        var events = await registry.EventsAsync(name);
        Assert.Equal([ActivityKind.PermissionGranted, ActivityKind.PermissionRevoked], events.Skip(1).Select(e => e.Kind));
        Assert.All(events.Skip(1), e => Assert.Equal(owner.UserId, e.UserId));
    }

    [Fact]
    public async Task A_transition_records_who_from_to_and_the_comment_and_the_history_reads_newest_first()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(2);
        var manager = await registry.UserAsync(Roles.ProductionManager);
        await registry.Stages.TransitionAsync(manager, name, 1, "Staging", comment: "candidate");
        await registry.Stages.TransitionAsync(manager, name, 1, "Production", comment: "passed shadow test");

        var history = await registry.Activity.ListAsync(owner, name, 1);

        Assert.Equal(
        [
            (ActivityKind.Transitioned, (Stage?)Stage.Staging, (Stage?)Stage.Production, "passed shadow test"),
            (ActivityKind.Transitioned, Stage.None, Stage.Staging, "candidate"),
            (ActivityKind.VersionRegistered, null, null, ""),
        ], history.Select(e => (e.Kind, e.FromStage, e.ToStage, e.Comment)));
        Assert.Equal("User 2", history[0].User);
        Assert.All(history, e => Assert.Equal(1, e.Version));
        Assert.Equal(5, (await registry.Activity.ListAsync(owner, name)).Count);
    }

    [Fact]
    public async Task The_history_of_a_model_keeps_its_events_across_a_rename()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.Archived);
        await registry.Models.RenameAsync(owner, name, "new-name");

        var history = await registry.Activity.ListAsync(owner, "new-name");

        Assert.Equal([ActivityKind.ModelRenamed, ActivityKind.Transitioned, ActivityKind.VersionRegistered, ActivityKind.ModelCreated],
            history.Select(e => e.Kind));
        Assert.Equal(name, history[^1].ModelName); // events keep the name the model had then
    }

    [Fact]
    public async Task Anyone_with_Read_comments_on_a_version()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(1);
        var reader = await registry.UserAsync(Roles.Reader);

        await registry.Activity.CommentAsync(reader, name, 1, "  Did anyone check drift?  ");

        var comment = (await registry.Activity.ListAsync(reader, name, 1))[0];
        Assert.Equal((ActivityKind.Commented, "Did anyone check drift?", 1), (comment.Kind, comment.Comment, comment.Version));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task An_empty_comment_is_refused(string text)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Activity.CommentAsync(owner, name, 1, text), "cannot be empty");
        Assert.DoesNotContain(await registry.EventsAsync(name), e => e.Kind == ActivityKind.Commented);
    }

    [Fact]
    public async Task A_comment_over_5000_characters_is_refused()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Activity.CommentAsync(owner, name, 1, new string('c', 5001)), "at most 5000", "5001");
        await registry.Activity.CommentAsync(owner, name, 1, new string('c', 5000));
    }

    [Fact]
    public async Task A_refused_change_appends_nothing()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.Production);
        var reader = await registry.UserAsync(Roles.Reader);
        var before = (await registry.EventsAsync(name)).Count;

        await Assert.ThrowsAsync<RegistryError>(() => registry.Versions.DeleteAsync(owner, name, 1));
        await Assert.ThrowsAsync<RegistryError>(() => registry.Stages.TransitionAsync(reader, name, 1, "Archived"));
        await Assert.ThrowsAsync<RegistryError>(() => registry.Aliases.SetAsync(owner, name, "latest", 1));

        Assert.Equal(before, (await registry.EventsAsync(name)).Count);
    }
}
