using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry;

/// <summary>Editing and deleting comments: the author edits and deletes their own; a Manage holder deletes anyone's but edits none.</summary>
public class CommentEditTests
{
    private sealed record Scene(TestRegistry Registry, string Name, Actor Owner, Actor Author, long CommentId);

    /// <summary>A model with one version and one comment on it by a Reader (who is not the model's owner).</summary>
    private static async Task<Scene> SceneAsync(TestRegistry registry)
    {
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        var author = await registry.UserAsync(Roles.Reader);
        var comment = await registry.Activity.AddCommentAsync(author, name, 1, "first thought");
        return new Scene(registry, name, owner, author, comment.Id);
    }

    /// <summary>The comment as stored, or null once it is deleted.</summary>
    private static Task<ActivityEvent?> StoredAsync(Scene s) =>
        s.Registry.QueryAsync(db => db.Activity.FirstOrDefaultAsync(e => e.Id == s.CommentId));

    [Fact]
    public async Task The_author_edits_a_comment_and_it_is_stored_trimmed_and_marked_edited()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var s = await SceneAsync(registry);

        var view = await registry.Activity.EditCommentAsync(s.Author, s.CommentId, "  second thought  ");

        Assert.Equal((s.CommentId, "second thought", "edited", ActivityKind.Commented, 1), (view.Id, view.Comment, view.Detail, view.Kind, view.Version));
        var stored = await StoredAsync(s);
        Assert.Equal(("second thought", "edited", s.Author.UserId), (stored!.Comment, stored.Detail, stored.UserId));
        Assert.Equal("second thought", (await registry.Activity.ListAsync(s.Owner, s.Name, 1))[0].Comment);
    }

    [Fact]
    public async Task No_one_but_the_author_edits_a_comment_not_even_an_admin()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var s = await SceneAsync(registry);
        var admin = await registry.AdminAsync();

        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Activity.EditCommentAsync(admin, s.CommentId, "rewritten"),
            "Only the author of a comment can edit it");
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Activity.EditCommentAsync(s.Owner, s.CommentId, "rewritten"),
            "Only the author of a comment can edit it");

        var stored = await StoredAsync(s);
        Assert.Equal(("first thought", ""), (stored!.Comment, stored.Detail));
    }

    [Theory]
    [InlineData("", "cannot be empty")]
    [InlineData("   ", "cannot be empty")]
    public async Task An_edit_to_an_empty_text_is_refused(string text, string fragment)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var s = await SceneAsync(registry);

        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Activity.EditCommentAsync(s.Author, s.CommentId, text), fragment);

        Assert.Equal("first thought", (await StoredAsync(s))!.Comment);
    }

    [Fact]
    public async Task An_edit_over_5000_characters_is_refused_and_5000_is_kept()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var s = await SceneAsync(registry);

        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Activity.EditCommentAsync(s.Author, s.CommentId, new string('c', 5001)),
            "at most 5000", "5001");
        Assert.Equal("first thought", (await StoredAsync(s))!.Comment);

        await registry.Activity.EditCommentAsync(s.Author, s.CommentId, new string('c', 5000));
        Assert.Equal(5000, (await StoredAsync(s))!.Comment.Length);
    }

    [Fact]
    public async Task A_missing_comment_or_an_event_that_is_not_a_comment_is_not_found()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var s = await SceneAsync(registry);
        var registered = (await registry.EventsAsync(s.Name)).First(e => e.Kind == ActivityKind.VersionRegistered);

        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Activity.EditCommentAsync(s.Author, 999_999, "x"), "Comment 999999 does not exist");
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Activity.DeleteCommentAsync(s.Author, 999_999), "Comment 999999 does not exist");
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Activity.EditCommentAsync(s.Owner, registered.Id, "x"), $"Comment {registered.Id} does not exist");
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Activity.DeleteCommentAsync(s.Owner, registered.Id), $"Comment {registered.Id} does not exist");

        Assert.Equal(ActivityKind.VersionRegistered, (await registry.EventsAsync(s.Name)).Single(e => e.Id == registered.Id).Kind);
    }

    [Fact]
    public async Task A_comment_on_a_model_the_caller_cannot_read_is_not_found_rather_than_denied()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var s = await SceneAsync(registry);
        await registry.SetRolesAsync(s.Author); // the author loses every role, so may no longer see the model
        var outsider = await registry.UserAsync();

        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Activity.EditCommentAsync(s.Author, s.CommentId, "x"), $"Comment {s.CommentId} does not exist");
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Activity.DeleteCommentAsync(s.Author, s.CommentId), $"Comment {s.CommentId} does not exist");
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Activity.DeleteCommentAsync(outsider, s.CommentId), $"Comment {s.CommentId} does not exist");

        Assert.Equal("first thought", (await StoredAsync(s))!.Comment);
    }

    [Fact]
    public async Task The_author_deletes_their_own_comment_with_Read_only()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var s = await SceneAsync(registry);

        await registry.Activity.DeleteCommentAsync(s.Author, s.CommentId);

        Assert.Null(await StoredAsync(s));
        Assert.DoesNotContain(await registry.Activity.ListAsync(s.Owner, s.Name, 1), e => e.Kind == ActivityKind.Commented);
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Activity.DeleteCommentAsync(s.Author, s.CommentId), "does not exist");
    }

    [Theory]
    [InlineData(PermissionLevel.Read)]
    [InlineData(PermissionLevel.Edit)]
    [InlineData(PermissionLevel.ManageProductionVersions)]
    public async Task Below_Manage_no_one_deletes_someone_else_s_comment(PermissionLevel level)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var s = await SceneAsync(registry);
        var other = await registry.UserWithLevelAsync(level);

        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Activity.DeleteCommentAsync(other, s.CommentId),
            $"You need Manage on '{s.Name}' to delete someone else's comment", $"you have {level.DisplayName()}");

        Assert.NotNull(await StoredAsync(s));
    }

    public static TheoryData<string> ManageHolders() => new("admin", "Manager role", "creator", "Manage grant");

    [Theory]
    [MemberData(nameof(ManageHolders))]
    public async Task A_Manage_holder_deletes_anyone_s_comment(string who)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var s = await SceneAsync(registry);
        Actor holder;
        switch (who)
        {
            case "admin": holder = await registry.AdminAsync(); break;
            case "Manager role": holder = await registry.UserAsync(Roles.Manager); break;
            case "creator": holder = s.Owner; break; // an Editor who created the model
            default:
                holder = await registry.UserAsync();
                await registry.Permissions.GrantAsync(s.Owner, s.Name, holder.UserId, PermissionLevel.Manage);
                break;
        }

        await registry.Activity.DeleteCommentAsync(holder, s.CommentId);

        Assert.Null(await StoredAsync(s));
    }
}
