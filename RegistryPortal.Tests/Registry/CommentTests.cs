using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry;

/// <summary>Comments on a version, as MLflow's create-comment answers them.</summary>
public class CommentTests
{
    [Fact]
    public async Task A_comment_comes_back_with_its_id_text_author_and_time()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(1);
        var reader = await registry.UserAsync(Roles.Reader);

        var comment = await registry.Activity.AddCommentAsync(reader, name, 1, "  looks good  ");

        var stored = (await registry.EventsAsync(name)).Last();
        Assert.Equal(stored.Id, comment.Id);
        Assert.Equal(ActivityKind.Commented, comment.Kind);
        Assert.Equal("looks good", comment.Comment);
        Assert.Equal("User 2", comment.User);
        Assert.Equal(DateTimeKind.Utc, comment.At.Kind);
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Activity.AddCommentAsync(reader, name, 1, " "), "cannot be empty");
    }
}
