using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry;

/// <summary>The service methods MLflow's API needs: latest versions, download URI, comments, error subjects (requests by stage: RequestsByNameTests).</summary>
public class ApiSupportTests
{
    [Fact]
    public async Task Latest_versions_are_the_highest_READY_version_in_each_stage_asked_for_in_that_order()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.Production, Stage.Staging, Stage.Production, Stage.Archived, Stage.None);
        await registry.RegisterAsync(owner, name, pending: true); // 6: pending, in None

        var asked = await registry.Versions.LatestAsync(owner, name, ["production", "STAGING", "Production"]);
        var all = await registry.Versions.LatestAsync(owner, name);

        Assert.Equal([(Stage.Production, 3), (Stage.Staging, 2)], asked.Select(v => (v.Stage, v.Version)));
        Assert.Equal([(Stage.None, 5), (Stage.Staging, 2), (Stage.Production, 3), (Stage.Archived, 4)], all.Select(v => (v.Stage, v.Version)));
    }

    [Fact]
    public async Task Latest_versions_of_a_stage_with_none_is_empty()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        Assert.Empty(await registry.Versions.LatestAsync(owner, name, ["Production"]));
    }

    [Fact]
    public async Task Latest_versions_refuse_an_unknown_stage()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Versions.LatestAsync(owner, name, ["Prod"]), "'Prod' is not a stage");
    }

    [Fact]
    public async Task Latest_versions_of_a_model_the_caller_may_not_read_is_not_found()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(1);
        var stranger = await registry.UserAsync();
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Versions.LatestAsync(stranger, name), "does not exist");
    }

    [Fact]
    public async Task Download_uri_is_the_versions_source()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(2);
        var reader = await registry.UserAsync(Roles.Reader);

        Assert.Equal($"s3://bucket/{name}/2", await registry.Versions.DownloadUriAsync(reader, name, 2));
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Versions.DownloadUriAsync(owner, name, 3), "Version 3");
        var stranger = await registry.UserAsync();
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Versions.DownloadUriAsync(stranger, name, 1), "does not exist");
    }

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

    [Fact]
    public async Task Not_found_and_name_taken_errors_say_which_model_and_version()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1, name: "Fraud");

        var model = await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Models.GetAsync(owner, "ghost"));
        var version = await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Versions.GetAsync(owner, "fraud", 9));
        var taken = await Expect.RefusalAsync(ErrorKind.AlreadyExists, () => registry.Models.CreateAsync(owner, "FRAUD"));
        var tag = await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Models.DeleteTagAsync(owner, name, "nope"));

        Assert.Equal(new ErrorSubject("ghost"), model.Subject);
        Assert.Equal(new ErrorSubject("Fraud", 9), version.Subject);
        Assert.Equal(new ErrorSubject("FRAUD"), taken.Subject);
        Assert.Null(tag.Subject);
    }
}
