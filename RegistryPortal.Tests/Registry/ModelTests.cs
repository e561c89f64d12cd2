using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry;

public class ModelTests
{
    [Fact]
    public async Task Create_keeps_the_name_as_typed_with_description_tags_creator_and_UTC_timestamps()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var editor = await registry.UserAsync(Roles.Editor);
        var before = DateTime.UtcNow.AddSeconds(-1);

        var created = await registry.Models.CreateAsync(editor, "Fraud-Detector", "# Scores transactions",
            new Dictionary<string, string> { ["team"] = "risk" });

        Assert.Equal(("Fraud-Detector", "# Scores transactions"), (created.Name, created.Description));
        Assert.Equal(new Dictionary<string, string> { ["team"] = "risk" }, created.Tags);
        var details = await registry.Models.GetAsync(editor, "Fraud-Detector");
        Assert.Equal("Fraud-Detector", details.Name);
        Assert.Equal("# Scores transactions", details.Description);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "risk" }, details.Tags);
        Assert.Equal(editor.UserId, details.CreatedById);
        Assert.Equal(0, details.VersionCount);
        Assert.Null(details.LatestVersion);
        Assert.InRange(details.CreatedAt, before, DateTime.UtcNow.AddSeconds(1));
        Assert.Equal(details.CreatedAt, details.UpdatedAt);
        var stored = await registry.QueryAsync(db => db.Models.SingleAsync());
        Assert.Equal("FRAUD-DETECTOR", stored.NormalizedName);
    }

    [Fact]
    public async Task Timestamps_are_read_back_as_UTC()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);

        var model = await registry.Models.GetAsync(owner, name);
        var version = await registry.Versions.GetAsync(owner, name, 1);
        var summary = Assert.Single((await registry.Models.ListAsync(owner, new ModelQuery())).Items);
        var activity = (await registry.Activity.ListAsync(owner, name))[0];
        var request = await registry.Requests.CreateAsync(owner, name, 1, "Staging");
        var rejected = await registry.Requests.RejectAsync(owner, request.Id);
        var listed = Assert.Single(await registry.Requests.ListAsync(owner, name, pendingOnly: false));

        Assert.All([model.CreatedAt, model.UpdatedAt, version.CreatedAt, version.UpdatedAt, summary.UpdatedAt, activity.At,
                listed.CreatedAt, listed.ResolvedAt!.Value, rejected.ResolvedAt!.Value],
            at => Assert.Equal(DateTimeKind.Utc, at.Kind));
        Assert.InRange(model.CreatedAt, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddSeconds(1));
    }

    [Theory]
    [InlineData(Roles.Editor)]
    [InlineData(Roles.StagingManager)]
    [InlineData(Roles.ProductionManager)]
    [InlineData(Roles.Manager)]
    [InlineData(Roles.Admin)]
    public async Task Create_is_allowed_from_Edit_up(string role)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var user = await registry.UserAsync(role);
        await registry.Models.CreateAsync(user, "m");
        Assert.Equal(1, (await registry.Models.ListAsync(user, new ModelQuery())).Total);
    }

    [Fact]
    public async Task Create_is_refused_for_a_Reader_and_for_a_user_without_roles()
    {
        await using var registry = await TestRegistry.CreateAsync();
        foreach (var user in new[] { await registry.UserAsync(Roles.Reader), await registry.UserAsync() })
        {
            await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Models.CreateAsync(user, "m"), "Editor role", "Ask an admin");
        }
        Assert.Equal(0, await registry.QueryAsync(db => db.Models.CountAsync()));
    }

    [Theory]
    [InlineData("a/b", "cannot contain '/'")]
    [InlineData(" padded", "start or end with a space")]
    [InlineData("tab\tname", "control characters")]
    [InlineData("", "name is required")]
    public async Task Create_refuses_invalid_names(string name, string says)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var editor = await registry.UserAsync(Roles.Editor);
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Models.CreateAsync(editor, name), says);
        Assert.Equal(0, await registry.QueryAsync(db => db.Models.CountAsync()));
    }

    [Fact]
    public async Task Create_accepts_256_characters_and_refuses_257()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var editor = await registry.UserAsync(Roles.Editor);
        await registry.Models.CreateAsync(editor, new string('n', 256));
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Models.CreateAsync(editor, new string('n', 257)), "at most 256");
    }

    [Fact]
    public async Task Create_refuses_tags_over_the_limits()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var editor = await registry.UserAsync(Roles.Editor);
        await Expect.RefusalAsync(ErrorKind.InvalidValue,
            () => registry.Models.CreateAsync(editor, "m", tags: new Dictionary<string, string> { ["notes"] = new string('x', 5001) }), "limit is 5000");
        await Expect.RefusalAsync(ErrorKind.InvalidValue,
            () => registry.Models.CreateAsync(editor, "m", tags: new Dictionary<string, string> { [new string('k', 251)] = "x" }), "limit is 250");
        Assert.Equal(0, await registry.QueryAsync(db => db.Models.CountAsync()));
    }

    [Theory]
    [InlineData("fraud-detector")]
    [InlineData("FRAUD-DETECTOR")]
    [InlineData("Fraud-Detector")]
    public async Task Names_are_unique_ignoring_case(string second)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var editor = await registry.UserAsync(Roles.Editor);
        await registry.Models.CreateAsync(editor, "fraud-detector");

        await Expect.RefusalAsync(ErrorKind.AlreadyExists, () => registry.Models.CreateAsync(editor, second),
            "'fraud-detector' already exists", "ignoring case", "Choose another name");
        Assert.Equal(1, await registry.QueryAsync(db => db.Models.CountAsync()));
    }

    [Fact]
    public async Task A_model_is_found_by_its_name_in_any_case()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var editor = await registry.UserAsync(Roles.Editor);
        await registry.Models.CreateAsync(editor, "Fraud-Detector");
        Assert.Equal("Fraud-Detector", (await registry.Models.GetAsync(editor, "fraud-detector")).Name);
        Assert.Equal("Fraud-Detector", (await registry.Models.GetAsync(editor, "FRAUD-DETECTOR")).Name);
    }

    [Fact]
    public async Task Get_of_an_unknown_model_is_not_found_and_points_to_the_models_page()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var editor = await registry.UserAsync(Roles.Editor);
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Models.GetAsync(editor, "nope"), "'nope' does not exist", "Models page");
    }

    // Rename

    [Fact]
    public async Task Rename_changes_the_name_keeps_versions_and_records_the_old_name()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.None, Stage.Archived);

        await registry.Models.RenameAsync(owner, name, "renamed-model");

        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Models.GetAsync(owner, name));
        var details = await registry.Models.GetAsync(owner, "renamed-model");
        Assert.Equal(2, details.VersionCount);
        var renamed = (await registry.EventsAsync("renamed-model")).Last();
        Assert.Equal(ActivityKind.ModelRenamed, renamed.Kind);
        Assert.Equal("renamed-model", renamed.ModelName);
        Assert.Contains($"'{name}'", renamed.Detail);
        Assert.Equal(owner.UserId, renamed.UserId);
    }

    [Fact]
    public async Task Rename_is_allowed_for_a_model_without_versions()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);
        await registry.Models.RenameAsync(owner, name, "empty-renamed");
        Assert.Equal("empty-renamed", (await registry.Models.GetAsync(owner, "EMPTY-RENAMED")).Name);
    }

    [Fact]
    public async Task Rename_may_change_only_the_case()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var owner = await registry.UserAsync(Roles.Editor);
        await registry.Models.CreateAsync(owner, "fraud-detector");
        await registry.Models.RenameAsync(owner, "fraud-detector", "Fraud-Detector");
        Assert.Equal("Fraud-Detector", (await registry.Models.GetAsync(owner, "fraud-detector")).Name);
    }

    [Theory]
    [InlineData(Stage.Staging)]
    [InlineData(Stage.Production)]
    public async Task Rename_is_refused_while_a_version_is_in_Staging_or_Production(Stage live)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.Archived, live, Stage.None);

        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Models.RenameAsync(owner, name, "other"),
            "Staging or Production", "move them to None or Archived before renaming it");
        Assert.Equal(name, (await registry.Models.GetAsync(owner, name)).Name);
        Assert.NotNull((await registry.Models.GetAsync(owner, name)).RenameBlockedBecause);
    }

    [Fact]
    public async Task Rename_guard_is_reported_only_while_it_applies()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.None);
        Assert.Null((await registry.Models.GetAsync(owner, name)).RenameBlockedBecause);
        Assert.Null((await registry.Models.GetAsync(owner, name)).DeleteBlockedBecause);
        await registry.Stages.TransitionAsync(owner, name, 1, "Staging");
        var details = await registry.Models.GetAsync(owner, name);
        Assert.Contains("before renaming it", details.RenameBlockedBecause);
        Assert.Contains("before deleting it", details.DeleteBlockedBecause);
    }

    [Fact]
    public async Task Rename_refuses_a_name_another_model_has_in_any_case()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var owner = await registry.UserAsync(Roles.Editor);
        await registry.Models.CreateAsync(owner, "first");
        await registry.Models.CreateAsync(owner, "Second");
        await Expect.RefusalAsync(ErrorKind.AlreadyExists, () => registry.Models.RenameAsync(owner, "first", "SECOND"), "'Second' already exists");
        Assert.Equal("first", (await registry.Models.GetAsync(owner, "first")).Name);
    }

    [Fact]
    public async Task Rename_refuses_an_invalid_name_and_the_same_name()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Models.RenameAsync(owner, name, "a/b"), "cannot contain '/'");
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Models.RenameAsync(owner, name, name), "already called");
    }

    [Theory]
    [InlineData(Roles.Editor)]
    [InlineData(Roles.ProductionManager)]
    public async Task Rename_needs_Manage(string role)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(1);
        var user = await registry.UserAsync(role);
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Models.RenameAsync(user, name, "other"),
            "You need Manage", "to rename it", "Ask a Manage holder");
        await registry.Models.RenameAsync(await registry.UserAsync(Roles.Manager), name, "other");
        Assert.Equal("other", (await registry.Models.GetAsync(user, "other")).Name);
    }

    // Delete

    [Fact]
    public async Task Delete_removes_versions_tags_aliases_requests_and_grants_but_keeps_the_activity()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.None, Stage.Archived);
        var reader = await registry.UserAsync(Roles.Reader);
        await registry.Models.SetTagAsync(owner, name, "team", "risk");
        await registry.Versions.SetTagAsync(owner, name, 1, "auc", "0.9");
        await registry.Aliases.SetAsync(owner, name, "champion", 1);
        await registry.Requests.CreateAsync(reader, name, 1, "Staging");
        await registry.Permissions.GrantAsync(owner, name, reader.UserId, PermissionLevel.Edit);
        var modelId = await registry.ModelIdAsync(name);
        var eventsBefore = (await registry.EventsOfModelIdAsync(modelId)).Count;

        await registry.Models.DeleteAsync(owner, name);

        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Models.GetAsync(owner, name), "does not exist");
        var left = await registry.QueryAsync(async db => new[]
        {
            await db.Models.CountAsync(), await db.Versions.CountAsync(), await db.ModelTags.CountAsync(),
            await db.VersionTags.CountAsync(), await db.Aliases.CountAsync(), await db.TransitionRequests.CountAsync(),
            await db.Grants.CountAsync(),
        });
        Assert.All(left, count => Assert.Equal(0, count));
        var events = await registry.EventsOfModelIdAsync(modelId);
        Assert.Equal(eventsBefore + 1, events.Count);
        Assert.Equal(ActivityKind.ModelDeleted, events[^1].Kind);
        Assert.Equal(name, events[^1].ModelName);
        Assert.Equal(owner.UserId, events[^1].UserId);
        Assert.Equal(ActivityKind.ModelCreated, events[0].Kind);
    }

    [Theory]
    [InlineData(Stage.Staging)]
    [InlineData(Stage.Production)]
    public async Task Delete_is_refused_while_a_version_is_in_Staging_or_Production(Stage live)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.None, live);
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Models.DeleteAsync(owner, name),
            $"'{name}' has versions in Staging or Production", "move them to None or Archived before deleting it");
        Assert.Equal(2, (await registry.Models.GetAsync(owner, name)).VersionCount);
    }

    [Fact]
    public async Task Delete_is_allowed_once_live_versions_are_archived()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.Production);
        await registry.Stages.TransitionAsync(owner, name, 1, "Archived");
        await registry.Models.DeleteAsync(owner, name);
        Assert.Equal(0, await registry.QueryAsync(db => db.Models.CountAsync()));
    }

    [Theory]
    [InlineData(Roles.Editor)]
    [InlineData(Roles.ProductionManager)]
    public async Task Delete_needs_Manage(string role)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(1);
        var user = await registry.UserAsync(role);
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Models.DeleteAsync(user, name), "You need Manage", "to delete it");
        Assert.Equal(1, await registry.QueryAsync(db => db.Models.CountAsync()));
    }

    [Fact]
    public async Task A_name_is_free_again_after_delete_and_the_new_model_starts_with_an_empty_history_and_version_1()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(2);
        var oldId = await registry.ModelIdAsync(name);
        await registry.Models.DeleteAsync(owner, name);

        await registry.Models.CreateAsync(owner, name);
        var version = await registry.RegisterAsync(owner, name);

        Assert.Equal(1, version);
        Assert.NotEqual(oldId, await registry.ModelIdAsync(name));
        var history = await registry.Activity.ListAsync(owner, name);
        Assert.Equal([ActivityKind.VersionRegistered, ActivityKind.ModelCreated], history.Select(e => e.Kind));
    }

    // One version per stage (the setting itself)

    [Fact]
    public async Task One_version_per_stage_is_a_Manage_setting()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);
        var staging = await registry.UserAsync(Roles.ProductionManager);
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Models.SetOneVersionPerStageAsync(staging, name, true),
            "You need Manage", "change its settings");
        Assert.False((await registry.Models.GetAsync(owner, name)).OneVersionPerStage);

        await registry.Models.SetOneVersionPerStageAsync(owner, name, true);
        Assert.True((await registry.Models.GetAsync(owner, name)).OneVersionPerStage);
    }
}
