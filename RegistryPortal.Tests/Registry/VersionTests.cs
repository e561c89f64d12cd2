using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry;

public class VersionTests
{
    [Fact]
    public async Task Register_keeps_source_run_description_tags_creator_and_starts_READY_in_None()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);
        var editor = await registry.UserAsync(Roles.Editor);

        var view = await registry.Versions.RegisterAsync(editor, new NewVersion(name, " runs:/abc123/model ", RunId: "abc123",
            RunLink: "http://tracking/runs/abc123", Description: "first try", Tags: new Dictionary<string, string> { ["auc"] = "0.91" }));

        Assert.Equal(1, view.Version);
        Assert.Equal("runs:/abc123/model", view.Source);
        Assert.Equal("abc123", view.RunId);
        Assert.Equal("http://tracking/runs/abc123", view.RunLink);
        Assert.Equal("first try", view.Description);
        Assert.Equal(new Dictionary<string, string> { ["auc"] = "0.91" }, view.Tags);
        Assert.Equal(VersionStatus.Ready, view.Status);
        Assert.Equal(Stage.None, view.Stage);
        Assert.Equal(editor.UserId, view.CreatedById);
        Assert.Equal(view, await registry.Versions.GetAsync(owner, name, 1) with { Tags = view.Tags, Aliases = view.Aliases });
    }

    [Fact]
    public async Task An_uploaded_model_may_have_no_run_id()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);
        var view = await registry.Versions.RegisterAsync(owner, new NewVersion(name, "s3://bucket/uploads/model.pkl"));
        Assert.Equal("", view.RunId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Register_refuses_a_missing_source(string source)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Versions.RegisterAsync(owner, new NewVersion(name, source)),
            "needs a source", "URI");
        Assert.Equal(0, await registry.QueryAsync(db => db.Versions.CountAsync()));
    }

    [Fact]
    public async Task Register_refuses_tags_over_the_limits_and_does_not_use_up_a_number()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Versions.RegisterAsync(owner,
            new NewVersion(name, "s3://x", Tags: new Dictionary<string, string> { ["k"] = new string('v', 5001) })), "limit is 5000");
        Assert.Equal(1, await registry.RegisterAsync(owner, name));
    }

    [Fact]
    public async Task Register_needs_Edit()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(0);
        var reader = await registry.UserAsync(Roles.Reader);
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Versions.RegisterAsync(reader, new NewVersion(name, "s3://x")),
            "You need Edit", "register a version", "you have Read");
        Assert.Equal(0, await registry.QueryAsync(db => db.Versions.CountAsync()));
    }

    [Fact]
    public async Task Register_of_an_unknown_model_is_not_found()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var editor = await registry.UserAsync(Roles.Editor);
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Versions.RegisterAsync(editor, new NewVersion("ghost", "s3://x")),
            "'ghost' does not exist");
    }

    [Fact]
    public async Task Versions_are_numbered_per_model()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (a, owner) = await registry.ModelWithVersionsAsync(3);
        var (b, _) = await registry.ModelWithVersionsAsync(0, owner: owner);
        Assert.Equal(1, await registry.RegisterAsync(owner, b));
        Assert.Equal(4, await registry.RegisterAsync(owner, a));
        Assert.Equal(2, await registry.RegisterAsync(owner, b));
    }

    [Fact]
    public async Task Numbers_are_never_reused_after_deleting_the_newest_version()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(3);
        await registry.Versions.DeleteAsync(owner, name, 3);
        await registry.Versions.DeleteAsync(owner, name, 2);

        Assert.Equal(4, await registry.RegisterAsync(owner, name));
        var numbers = (await registry.Versions.ListAsync(owner, name)).Items.Select(v => v.Version);
        Assert.Equal([4, 1], numbers);
        Assert.Equal(4, (await registry.Models.GetAsync(owner, name)).LatestVersion);
    }

    [Fact]
    public async Task A_deleted_version_is_gone_with_its_tags_aliases_and_requests()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(2);
        await registry.Versions.SetTagAsync(owner, name, 2, "auc", "0.9");
        await registry.Aliases.SetAsync(owner, name, "challenger", 2);
        await registry.Requests.CreateAsync(owner, name, 2, "Staging");

        await registry.Versions.DeleteAsync(owner, name, 2);

        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Versions.GetAsync(owner, name, 2), "Version 2", "does not exist");
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Aliases.GetVersionAsync(owner, name, "challenger"), "no alias 'challenger'");
        var left = await registry.QueryAsync(async db => (await db.VersionTags.CountAsync(), await db.TransitionRequests.CountAsync(), await db.Versions.CountAsync()));
        Assert.Equal((0, 0, 1), left);
        var deleted = (await registry.EventsAsync(name)).Last();
        Assert.Equal(ActivityKind.VersionDeleted, deleted.Kind);
        Assert.Equal(2, deleted.VersionNumber);
    }

    [Theory]
    [InlineData(Stage.None)]
    [InlineData(Stage.Archived)]
    public async Task Delete_is_allowed_in_None_or_Archived(Stage stage)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(stage);
        await registry.Versions.DeleteAsync(owner, name, 1);
        Assert.Equal(0, (await registry.Versions.ListAsync(owner, name)).Total);
    }

    [Theory]
    [InlineData(Stage.Staging)]
    [InlineData(Stage.Production)]
    public async Task Delete_is_refused_in_Staging_or_Production_and_says_what_to_do(Stage stage)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.None, Stage.None, stage);
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Versions.DeleteAsync(owner, name, 3),
            $"Version 3 of '{name}' is in {stage}: move it to None or Archived before deleting it.");
        Assert.Equal(stage, await registry.StageOfAsync(name, 3));
    }

    [Theory]
    [InlineData(Roles.Editor)]
    [InlineData(Roles.ProductionManager)]
    public async Task Delete_needs_Manage(string role)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(1);
        var user = await registry.UserAsync(role);
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Versions.DeleteAsync(user, name, 1), "You need Manage", "delete a version");
        Assert.Equal(1, await registry.QueryAsync(db => db.Versions.CountAsync()));
    }

    [Fact]
    public async Task Get_of_an_unknown_version_is_not_found_and_points_to_the_model_page()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Versions.GetAsync(owner, name, 7),
            $"Version 7 of '{name}' does not exist", "model's page lists its versions");
    }

    // Status

    [Fact]
    public async Task A_pending_registration_starts_PENDING_and_completes_READY()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);
        var number = await registry.RegisterAsync(owner, name, pending: true);
        Assert.Equal(VersionStatus.PendingRegistration, (await registry.Versions.GetAsync(owner, name, number)).Status);

        await registry.Versions.CompleteRegistrationAsync(owner, name, number, succeeded: true);

        Assert.Equal(VersionStatus.Ready, (await registry.Versions.GetAsync(owner, name, number)).Status);
        Assert.Equal(ActivityKind.RegistrationCompleted, (await registry.EventsAsync(name)).Last().Kind);
    }

    [Fact]
    public async Task A_failed_registration_is_FAILED_with_its_message()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);
        var number = await registry.RegisterAsync(owner, name, pending: true);

        await registry.Versions.CompleteRegistrationAsync(owner, name, number, succeeded: false, message: "artifact upload timed out");

        var view = await registry.Versions.GetAsync(owner, name, number);
        Assert.Equal(VersionStatus.FailedRegistration, view.Status);
        Assert.Equal("artifact upload timed out", view.StatusMessage);
        var failed = (await registry.EventsAsync(name)).Last();
        Assert.Equal(ActivityKind.RegistrationFailed, failed.Kind);
        Assert.Equal("artifact upload timed out", failed.Detail);
    }

    [Fact]
    public async Task Only_a_pending_registration_can_be_completed()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Versions.CompleteRegistrationAsync(owner, name, 1, succeeded: false),
            "is READY, not PENDING_REGISTRATION");
        Assert.Equal(VersionStatus.Ready, (await registry.Versions.GetAsync(owner, name, 1)).Status);
    }

    [Fact]
    public async Task Completing_a_registration_needs_Edit()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);
        var number = await registry.RegisterAsync(owner, name, pending: true);
        var reader = await registry.UserAsync(Roles.Reader);
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Versions.CompleteRegistrationAsync(reader, name, number, true),
            "You need Edit");
        Assert.Equal(VersionStatus.PendingRegistration, (await registry.Versions.GetAsync(owner, name, number)).Status);
    }

    [Fact]
    public async Task List_pages_newest_first_and_active_only_keeps_Staging_and_Production()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.Archived, Stage.Production, Stage.None, Stage.Staging, Stage.None);

        var first = await registry.Versions.ListAsync(owner, name, pageIndex: 0, pageSize: 2);
        var second = await registry.Versions.ListAsync(owner, name, pageIndex: 1, pageSize: 2);
        var active = await registry.Versions.ListAsync(owner, name, activeOnly: true);

        Assert.Equal(5, first.Total);
        Assert.Equal([5, 4], first.Items.Select(v => v.Version));
        Assert.Equal([3, 2], second.Items.Select(v => v.Version));
        Assert.Equal(2, active.Total);
        Assert.Equal([(4, Stage.Staging), (2, Stage.Production)], active.Items.Select(v => (v.Version, v.Stage)));
    }
}
