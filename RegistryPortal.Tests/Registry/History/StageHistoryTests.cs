using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Registry.History;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry.History;

/// <summary>The registry's history answered from the activity: what was in a stage at a moment, and the stage timeline.</summary>
public class StageHistoryTests
{
    private static StageHistoryService History(TestRegistry registry) =>
        registry.Services.GetRequiredService<StageHistoryService>();

    /// <summary>When the last event of the model happened: "as of" this instant includes it, a microsecond before does not.</summary>
    private static async Task<DateTime> LastEventAtAsync(TestRegistry registry, string name) => (await registry.EventsAsync(name)).Last().At;

    private static async Task<string> ShownNameAsync(TestRegistry registry, Actor actor) => (await registry.AccountAsync(actor.UserId))!.DisplayName!;

    private static async Task<int[]> InStageAsync(TestRegistry registry, Actor actor, string name, Stage stage, DateTime at) =>
        (await History(registry).StageAtAsync(actor, name, stage.ToString(), at)).Versions.Select(h => h.Version).ToArray();

    [Fact]
    public async Task A_stage_holds_each_version_from_its_move_until_the_next_one_and_a_move_counts_at_its_own_instant()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(2);
        await registry.Stages.TransitionAsync(owner, name, 1, "Production", comment: "first release");
        var firstRelease = await LastEventAtAsync(registry, name);
        await registry.Stages.TransitionAsync(owner, name, 2, "Production", archiveExisting: true, comment: "better AUC");
        var secondRelease = await LastEventAtAsync(registry, name);

        Assert.Empty(await InStageAsync(registry, owner, name, Stage.Production, firstRelease.AddTicks(-10)));
        Assert.Equal(new[] { 1 }, await InStageAsync(registry, owner, name, Stage.Production, firstRelease));
        Assert.Equal(new[] { 1 }, await InStageAsync(registry, owner, name, Stage.Production, secondRelease.AddTicks(-10)));
        Assert.Equal(new[] { 2 }, await InStageAsync(registry, owner, name, Stage.Production, secondRelease));
        // Archive-existing moved version 1 in the same instant: the history has that move too.
        Assert.Equal(new[] { 1 }, await InStageAsync(registry, owner, name, Stage.Archived, secondRelease));
        Assert.Empty(await InStageAsync(registry, owner, name, Stage.Archived, secondRelease.AddTicks(-10)));

        var holder = (await History(registry).StageAtAsync(owner, name, "production", secondRelease)).Versions.Single();
        Assert.Equal((ActivityKind.Transitioned, "better AUC", await ShownNameAsync(registry, owner), secondRelease),
            (holder.MovedIn!.How, holder.MovedIn.Comment, holder.MovedIn.MovedBy, holder.MovedIn.At));
    }

    [Fact]
    public async Task An_approved_request_is_the_move_with_its_request_and_one_version_per_stage_archives_the_others()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.Staging, Stage.None);
        await registry.Models.SetOneVersionPerStageAsync(owner, name, true);
        var request = await registry.Requests.CreateAsync(owner, name, 2, "Staging", comment: "validated on March data");
        await registry.Requests.ApproveAsync(owner, request.Id, "ok");
        var approved = await LastEventAtAsync(registry, name);

        var holder = (await History(registry).StageAtAsync(owner, name, "Staging", approved)).Versions.Single();
        Assert.Equal((2, ActivityKind.Approved, request.Id, "ok"), (holder.Version, holder.MovedIn!.How, holder.MovedIn.RequestId, holder.MovedIn.Comment));
        var archived = (await History(registry).StageAtAsync(owner, name, "Archived", approved)).Versions.Single();
        Assert.Equal(1, archived.Version);
        Assert.Contains("version 2 moved to Staging", archived.MovedIn!.Detail);
    }

    [Fact]
    public async Task The_model_as_of_a_moment_has_its_name_description_stages_and_aliases_then()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(2);
        await registry.Models.UpdateDescriptionAsync(owner, name, "Scores card payments.");
        await registry.Versions.UpdateDescriptionAsync(owner, name, 1, "Trained on 2025.");
        await registry.Aliases.SetAsync(owner, name, "champion", 1);
        await registry.Stages.TransitionAsync(owner, name, 1, "Production");
        var before = await LastEventAtAsync(registry, name);

        await registry.Stages.TransitionAsync(owner, name, 1, "Archived");
        await registry.Models.UpdateDescriptionAsync(owner, name, "Scores card and wire payments.");
        await registry.Aliases.SetAsync(owner, name, "champion", 2);
        await registry.Versions.DeleteAsync(owner, name, 1);
        await registry.Models.RenameAsync(owner, name, name + "-v2");

        var then = await History(registry).ModelAsOfAsync(owner, name, before);
        Assert.Equal((name, name + "-v2", "Scores card payments."), (then.Name, then.CurrentName, then.Description));
        Assert.Equal([(1, Stage.Production, "Trained on 2025."), (2, Stage.None, "")],
            then.Versions.Select(v => (v.Version, v.Stage, v.Description)).ToArray());
        Assert.Equal([new AliasView("champion", 1)], then.Aliases);
        Assert.False(then.SomeDescriptionsUnknown);

        var now = await History(registry).ModelAsOfAsync(owner, name + "-v2", DateTime.UtcNow.AddMinutes(1));
        Assert.Equal([2], now.Versions.Select(v => v.Version).ToArray());
        Assert.Equal([new AliasView("champion", 2)], now.Aliases);
        Assert.Equal("Scores card and wire payments.", now.Description);
        // Today's name finds the model also before its rename; the answer says what it was called then.
        Assert.Equal(name, (await History(registry).ModelAsOfAsync(owner, name + "-v2", before)).Name);
    }

    [Fact]
    public async Task A_deleted_model_is_found_by_its_name_then_and_a_reused_name_finds_the_model_that_had_it()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.AdminAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.Archived);
        var whileItExisted = await LastEventAtAsync(registry, name);
        await registry.Models.DeleteAsync(owner, name);
        var deleted = DateTime.UtcNow;
        await Task.Delay(5);
        await registry.Models.CreateAsync(admin, name, "the second model of that name");

        var old = await History(registry).ModelAsOfAsync(admin, name, whileItExisted);
        Assert.Null(old.CurrentName);
        Assert.Equal([(1, Stage.Archived)], old.Versions.Select(v => (v.Version, v.Stage)).ToArray());
        var reused = await History(registry).ModelAsOfAsync(admin, name, DateTime.UtcNow);
        Assert.Equal((name, "the second model of that name"), (reused.CurrentName, reused.Description));
        Assert.Empty(reused.Versions);
        await Expect.RefusalAsync(ErrorKind.NotFound, () => History(registry).ModelAsOfAsync(admin, name, deleted), "no model", name);
    }

    [Fact]
    public async Task The_models_list_as_of_a_moment_has_the_models_then_under_their_names_then()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.AdminAsync();
        var prefix = $"asof-{Guid.NewGuid():N}"[..12];
        await registry.Models.CreateAsync(admin, prefix + "-kept");
        await registry.Models.CreateAsync(admin, prefix + "-renamed");
        await registry.Models.CreateAsync(admin, prefix + "-deleted");
        var before = await LastEventAtAsync(registry, prefix + "-deleted");
        await registry.Models.RenameAsync(admin, prefix + "-renamed", prefix + "-new-name");
        await registry.Models.DeleteAsync(admin, prefix + "-deleted");
        await registry.Models.CreateAsync(admin, prefix + "-later");

        var then = await History(registry).ModelsAsOfAsync(admin, before, prefix, 0, 50);
        Assert.Equal([(prefix + "-deleted", null), (prefix + "-kept", prefix + "-kept"), (prefix + "-renamed", prefix + "-new-name")],
            then.Items.Select(m => (m.Name, m.CurrentName)).ToArray());
        var now = await History(registry).ModelsAsOfAsync(admin, DateTime.UtcNow, prefix, 0, 50);
        Assert.Equal([prefix + "-kept", prefix + "-later", prefix + "-new-name"], now.Items.Select(m => m.Name).ToArray());
    }

    [Fact]
    public async Task History_needs_Read_on_the_model_and_a_deleted_model_a_role_that_reads_every_model()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.Production);
        var outsider = await registry.UserAsync();
        var granted = await registry.UserAsync();
        await registry.Permissions.GrantAsync(owner, name, granted.UserId, PermissionLevel.Read);
        var reader = await registry.UserWithLevelAsync(PermissionLevel.Read);
        var at = await LastEventAtAsync(registry, name);

        await Expect.RefusalAsync(ErrorKind.NotFound, () => History(registry).StageAtAsync(outsider, name, "Production", at));
        await Expect.RefusalAsync(ErrorKind.NotFound, () => History(registry).TimelineAsync(outsider, name));
        Assert.DoesNotContain(name, (await History(registry).ModelsAsOfAsync(outsider, at, name, 0, 50)).Items.Select(m => m.Name));
        Assert.Equal(new[] { 1 }, await InStageAsync(registry, granted, name, Stage.Production, at));
        Assert.Equal(new[] { 1 }, await InStageAsync(registry, reader, name, Stage.Production, at));

        // The grant went with the model; a role that reads every model still reads its history.
        await registry.Stages.TransitionAsync(owner, name, 1, "Archived");
        await registry.Models.DeleteAsync(owner, name);
        await Expect.RefusalAsync(ErrorKind.NotFound, () => History(registry).StageAtAsync(granted, name, "Production", at));
        Assert.DoesNotContain(name, (await History(registry).ModelsAsOfAsync(granted, at, name, 0, 50)).Items.Select(m => m.Name));
        Assert.Equal(new[] { 1 }, await InStageAsync(registry, reader, name, Stage.Production, at));
        Assert.Contains(name, (await History(registry).ModelsAsOfAsync(reader, at, name, 0, 50)).Items.Select(m => m.Name));
    }

    [Fact]
    public async Task A_bad_stage_or_time_is_refused_saying_what_to_give()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => History(registry).StageAtAsync(owner, name, "Prod", DateTime.UtcNow), "None, Staging, Production, Archived");
        Expect.Refusal(ErrorKind.InvalidValue, () => HistoryTime.Parse("last tuesday"), "milliseconds since 1970", "ISO-8601");
        Assert.Equal(new DateTime(2026, 12, 1, 10, 0, 0, 0, 999, DateTimeKind.Utc), HistoryTime.Parse("1796119200000"));
        Assert.Equal(new DateTime(2026, 12, 1, 9, 0, 0, DateTimeKind.Utc), HistoryTime.Parse("2026-12-01T10:00:00+01:00"));
        Assert.Equal(new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc), HistoryTime.Parse("2026-12-01T10:00:00"));
    }

    [Fact]
    public async Task The_timeline_has_a_lane_per_stage_with_who_moved_each_version_and_a_deleted_version_ends_its_period()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(3);
        await registry.Stages.TransitionAsync(owner, name, 1, "Staging", comment: "try it");
        await registry.Stages.TransitionAsync(owner, name, 1, "Production");
        await registry.Stages.TransitionAsync(owner, name, 2, "Production", archiveExisting: true);
        await registry.Stages.TransitionAsync(owner, name, 3, "Staging");
        await registry.Versions.DeleteAsync(owner, name, 1);
        var deleted = await LastEventAtAsync(registry, name);

        var timeline = await History(registry).TimelineAsync(owner, name);
        var lanes = timeline.Lanes.ToDictionary(l => l.Stage, l => l.Segments.Select(p => p.Segment).ToList());
        Assert.Equal([Stage.Staging, Stage.Production, Stage.Archived], timeline.Lanes.Select(l => l.Stage).ToArray());
        Assert.Equal([(1, "try it", false), (3, "", true)], lanes[Stage.Staging].Select(s => (s.Version, s.MovedIn.Comment, s.Until is null)).ToArray());
        Assert.Equal([1, 2], lanes[Stage.Production].Select(s => s.Version).ToArray());
        Assert.Equal(lanes[Stage.Production][1].From, lanes[Stage.Production][0].Until);
        Assert.Equal((1, deleted), (lanes[Stage.Archived].Single().Version, lanes[Stage.Archived].Single().Until));
        Assert.Equal(5, timeline.MoveCount);
        var shown = await ShownNameAsync(registry, owner);
        Assert.All(timeline.Lanes.SelectMany(l => l.Segments), p => Assert.Equal(shown, p.Segment.MovedIn.MovedBy));
        Assert.True(timeline.From <= lanes[Stage.Staging][0].From);
    }
}
