using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry;

public class StageTransitionTests
{
    public static TheoryData<Stage, Stage> EveryMove()
    {
        var data = new TheoryData<Stage, Stage>();
        foreach (var from in Stages.All)
        foreach (var to in Stages.All.Where(s => s != from))
            data.Add(from, to);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryMove))]
    public async Task Any_stage_moves_to_any_other(Stage from, Stage to)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(from);

        var view = await registry.Stages.TransitionAsync(owner, name, 1, to.ToString(), comment: "why not");

        Assert.Equal(to, view.Stage);
        Assert.Equal(to, await registry.StageOfAsync(name, 1));
        var moved = (await registry.EventsAsync(name)).Last();
        Assert.Equal((ActivityKind.Transitioned, from, to, "why not", owner.UserId), (moved.Kind, moved.FromStage, moved.ToStage, moved.Comment, moved.UserId));
    }

    [Theory]
    [InlineData("production", Stage.Production)]
    [InlineData("STAGING", Stage.Staging)]
    [InlineData("archived", Stage.Archived)]
    [InlineData("Production", Stage.Production)]
    public async Task The_target_stage_is_accepted_in_any_case_and_shown_canonically(string typed, Stage expected)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        var view = await registry.Stages.TransitionAsync(owner, name, 1, typed);
        Assert.Equal(expected, view.Stage);
        Assert.Equal(expected.ToString(), view.Stage.ToString());
    }

    [Fact]
    public async Task An_unknown_stage_is_refused_listing_the_stages()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Stages.TransitionAsync(owner, name, 1, "Prod"),
            "'Prod' is not a stage", "None, Staging, Production, Archived");
        Assert.Equal(Stage.None, await registry.StageOfAsync(name, 1));
    }

    [Theory]
    [InlineData(Stage.None, "none")]
    [InlineData(Stage.Staging, "staging")]
    [InlineData(Stage.Production, "PRODUCTION")]
    [InlineData(Stage.Archived, "Archived")]
    public async Task A_move_to_the_stage_the_version_already_has_is_refused(Stage stage, string typed)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(stage);
        var eventsBefore = (await registry.EventsAsync(name)).Count;
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Stages.TransitionAsync(owner, name, 1, typed),
            $"Version 1 of '{name}' is already in {stage}");
        Assert.Equal(eventsBefore, (await registry.EventsAsync(name)).Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Only_READY_versions_move(bool failed)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);
        var number = await registry.RegisterAsync(owner, name, pending: true);
        if (failed) await registry.Versions.CompleteRegistrationAsync(owner, name, number, succeeded: false);
        var status = failed ? "FAILED_REGISTRATION" : "PENDING_REGISTRATION";

        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Stages.TransitionAsync(owner, name, number, "Staging"),
            $"is {status}", "only READY versions can change stage");
        Assert.Equal(Stage.None, await registry.StageOfAsync(name, number));
    }

    [Fact]
    public async Task A_completed_registration_may_move()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);
        var number = await registry.RegisterAsync(owner, name, pending: true);
        await registry.Versions.CompleteRegistrationAsync(owner, name, number, succeeded: true);
        await registry.Stages.TransitionAsync(owner, name, number, "Staging");
        Assert.Equal(Stage.Staging, await registry.StageOfAsync(name, number));
    }

    [Fact]
    public async Task Without_archive_existing_other_versions_stay_in_the_target_stage()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.Production, Stage.None);
        await registry.Stages.TransitionAsync(owner, name, 2, "Production");
        Assert.Equal(new Dictionary<int, Stage> { [1] = Stage.Production, [2] = Stage.Production }, await registry.StagesOfAsync(name));
    }

    [Theory]
    [InlineData(Stage.Production)]
    [InlineData(Stage.Staging)]
    public async Task Archive_existing_archives_every_other_version_in_the_target_stage_only(Stage target)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var other = target == Stage.Production ? Stage.Staging : Stage.Production;
        var (name, owner) = await registry.ModelInStagesAsync(target, target, other, Stage.None);

        await registry.Stages.TransitionAsync(owner, name, 4, target.ToString(), archiveExisting: true);

        Assert.Equal(new Dictionary<int, Stage> { [1] = Stage.Archived, [2] = Stage.Archived, [3] = other, [4] = target },
            await registry.StagesOfAsync(name));
        var archived = (await registry.EventsAsync(name)).Where(e => e.Kind == ActivityKind.Transitioned && e.ToStage == Stage.Archived).ToList();
        Assert.Equal([1, 2], archived.Select(e => e.VersionNumber!.Value).Order());
        Assert.All(archived, e =>
        {
            Assert.Equal(target, e.FromStage);
            Assert.Contains($"version 4 moved to {target}", e.Detail);
        });
    }

    [Fact]
    public async Task Archive_existing_does_not_touch_other_models()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (a, owner) = await registry.ModelInStagesAsync(Stage.Production, Stage.None);
        var (b, _) = await registry.ModelInStagesAsync(Stage.Production);
        await registry.Stages.TransitionAsync(owner, a, 2, "Production", archiveExisting: true);
        Assert.Equal(Stage.Production, await registry.StageOfAsync(b, 1));
        Assert.Equal(Stage.Archived, await registry.StageOfAsync(a, 1));
    }

    [Theory]
    [InlineData("None")]
    [InlineData("Archived")]
    public async Task Archive_existing_is_refused_for_targets_other_than_Staging_and_Production(string target)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.Staging, Stage.Archived, Stage.None);
        var version = target == "None" ? 1 : 3;
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Stages.TransitionAsync(owner, name, version, target, archiveExisting: true),
            "only applies to moves to Staging or Production", $"not to {target}");
        Assert.Equal(new Dictionary<int, Stage> { [1] = Stage.Staging, [2] = Stage.Archived, [3] = Stage.None }, await registry.StagesOfAsync(name));
    }

    [Theory]
    [InlineData(Stage.Production)]
    [InlineData(Stage.Staging)]
    public async Task One_version_per_stage_always_archives_the_version_already_there(Stage target)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(target, Stage.None);
        await registry.Models.SetOneVersionPerStageAsync(owner, name, true);

        await registry.Stages.TransitionAsync(owner, name, 2, target.ToString(), archiveExisting: false);

        Assert.Equal(new Dictionary<int, Stage> { [1] = Stage.Archived, [2] = target }, await registry.StagesOfAsync(name));
    }

    [Fact]
    public async Task One_version_per_stage_leaves_None_and_Archived_shared()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.Archived, Stage.Staging, Stage.None, Stage.Production);
        await registry.Models.SetOneVersionPerStageAsync(owner, name, true);

        await registry.Stages.TransitionAsync(owner, name, 2, "Archived");
        await registry.Stages.TransitionAsync(owner, name, 4, "None");

        Assert.Equal(new Dictionary<int, Stage> { [1] = Stage.Archived, [2] = Stage.Archived, [3] = Stage.None, [4] = Stage.None },
            await registry.StagesOfAsync(name));
    }

    [Fact]
    public async Task Turning_one_version_per_stage_off_lets_versions_share_a_stage_again()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.Staging, Stage.None);
        await registry.Models.SetOneVersionPerStageAsync(owner, name, true);
        await registry.Models.SetOneVersionPerStageAsync(owner, name, false);
        await registry.Stages.TransitionAsync(owner, name, 2, "Staging");
        Assert.Equal(new Dictionary<int, Stage> { [1] = Stage.Staging, [2] = Stage.Staging }, await registry.StagesOfAsync(name));
    }

    // Permissions per move

    [Theory]
    [MemberData(nameof(EveryMove))]
    public async Task A_move_needs_the_level_of_the_permission_table(Stage from, Stage to)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelInStagesAsync(from);
        var needed = PermissionLevels.RequiredToMove(from, to);
        var below = await registry.UserWithLevelAsync(needed - 1);
        var enough = await registry.UserWithLevelAsync(needed);

        var error = await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Stages.TransitionAsync(below, name, 1, to.ToString()),
            $"You need {needed.DisplayName()} on '{name}'", $"you have {(needed - 1).DisplayName()}", "Ask a Manage holder or an admin");
        Assert.Contains(needed == PermissionLevel.ManageProductionVersions ? "to or from Production" : "among None, Staging and Archived", error.Message);
        Assert.Equal(from, await registry.StageOfAsync(name, 1));

        await registry.Stages.TransitionAsync(enough, name, 1, to.ToString());
        Assert.Equal(to, await registry.StageOfAsync(name, 1));
    }

    [Theory]
    [InlineData(Roles.Reader)]
    [InlineData(Roles.Editor)]
    public async Task Readers_and_editors_cannot_move_versions(string role)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(1);
        var user = await registry.UserAsync(role);
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Stages.TransitionAsync(user, name, 1, "Staging"),
            "You need Manage Staging Versions");
        Assert.Equal(Stage.None, await registry.StageOfAsync(name, 1));
    }

    [Fact]
    public async Task A_transition_updates_the_version_and_the_model_timestamps()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        var before = await registry.Versions.GetAsync(owner, name, 1);
        var modelBefore = await registry.Models.GetAsync(owner, name);
        await Task.Delay(20);
        var after = await registry.Stages.TransitionAsync(owner, name, 1, "Staging");
        Assert.True(after.UpdatedAt > before.UpdatedAt);
        Assert.NotEqual(before.ConcurrencyStamp, (await registry.Versions.GetAsync(owner, name, 1)).ConcurrencyStamp);
        Assert.True((await registry.Models.GetAsync(owner, name)).UpdatedAt > modelBefore.UpdatedAt);
    }
}
