using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry;

/// <summary>
/// Operations raced on one real SQLite file, each on its own connection, as concurrent users and API
/// clients do. Each test starts all operations behind a gate so they truly overlap.
/// </summary>
public class ConcurrencyTests
{
    private const int Racers = 16;

    [Fact]
    public async Task Parallel_registrations_never_share_a_version_number()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);

        var registered = await Race(Racers * 2, i => registry.Versions.RegisterAsync(owner, new NewVersion(name, $"s3://b/{i}")));

        Assert.Equal(Enumerable.Range(1, Racers * 2), registered.Select(v => v.Version).Order());
        var stored = await registry.QueryAsync(db => db.Versions.Select(v => v.Number).ToListAsync());
        Assert.Equal(Enumerable.Range(1, Racers * 2), stored.Order());
    }

    [Fact]
    public async Task Racing_transitions_to_production_with_archive_existing_leave_one_version_in_production()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(Racers);

        await Race(Racers, i => registry.Stages.TransitionAsync(owner, name, i + 1, "Production", archiveExisting: true));

        var stages = await StagesOf(registry, name);
        Assert.Single(stages, s => s == Stage.Production);
        Assert.Equal(Racers - 1, stages.Count(s => s == Stage.Archived));
    }

    [Fact]
    public async Task Racing_transitions_on_a_one_version_per_stage_model_leave_one_version_in_staging()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(Racers);
        await registry.Models.SetOneVersionPerStageAsync(owner, name, true);

        await Race(Racers, i => registry.Stages.TransitionAsync(owner, name, i + 1, "staging"));

        var stages = await StagesOf(registry, name);
        Assert.Single(stages, s => s == Stage.Staging);
        Assert.Equal(Racers - 1, stages.Count(s => s == Stage.Archived));
    }

    [Fact]
    public async Task Racing_approvals_of_archive_existing_requests_leave_one_version_in_production()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(Racers);
        var reader = await registry.UserAsync(Roles.Reader);
        var requests = new List<RequestView>();
        for (var v = 1; v <= Racers; v++)
            requests.Add(await registry.Requests.CreateAsync(reader, name, v, "Production", archiveExisting: true));
        var approvers = new List<Actor>();
        for (var i = 0; i < Racers; i++) approvers.Add(await registry.UserAsync(Roles.ProductionManager));

        await Race(Racers, i => registry.Requests.ApproveAsync(approvers[i], requests[i].Id, "ship it"));

        var stages = await StagesOf(registry, name);
        Assert.Single(stages, s => s == Stage.Production);
        var statuses = await registry.QueryAsync(db => db.TransitionRequests.Select(r => r.Status).ToListAsync());
        Assert.All(statuses, s => Assert.Equal(RequestStatus.Approved, s));
    }

    [Fact]
    public async Task Two_approvals_of_the_same_request_move_once_and_the_other_is_a_clear_conflict()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        var request = await registry.Requests.CreateAsync(await registry.UserAsync(Roles.Reader), name, 1, "Staging");
        var first = await registry.UserAsync(Roles.StagingManager);
        var second = await registry.UserAsync(Roles.StagingManager);

        var outcomes = await RaceOutcomes(2, i => registry.Requests.ApproveAsync(i == 0 ? first : second, request.Id));

        Assert.Single(outcomes, o => o is null);
        var refusal = Assert.Single(outcomes.OfType<RegistryError>());
        Assert.Equal(ErrorKind.Conflict, refusal.Kind);
        Assert.Contains("already approved", refusal.Message);
        var moves = await registry.QueryAsync(db => db.Activity.CountAsync(e => e.Kind == ActivityKind.Approved)); // an approval is its move
        Assert.Equal(1, moves);
    }

    [Fact]
    public async Task Two_approvals_of_the_same_request_named_by_stage_move_once_and_the_other_finds_no_pending_request()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(1);
        await registry.Requests.CreateAsync(await registry.UserAsync(Roles.Reader), name, 1, "Staging");
        var approvers = new[] { await registry.UserAsync(Roles.StagingManager), await registry.UserAsync(Roles.StagingManager) };

        // Finding the request and approving it are one transaction: the later approval sees it closed, never half-way.
        var outcomes = await RaceOutcomes(2, i => registry.Requests.ApproveAsync(approvers[i], new PendingRequestName(name, 1, "Staging")));

        Assert.Single(outcomes, o => o is null);
        var refusal = Assert.Single(outcomes.OfType<RegistryError>());
        Assert.Equal((ErrorKind.NotFound, $"Version 1 of '{name}' has no pending request to move to Staging."), (refusal.Kind, refusal.Message));
        var moves = await registry.QueryAsync(db => db.Activity.CountAsync(e => e.Kind == ActivityKind.Approved)); // an approval is its move
        Assert.Equal(1, moves);
    }

    [Fact]
    public async Task A_description_saved_over_a_stale_copy_is_refused_and_the_newer_text_is_kept()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        var colleague = await registry.UserAsync(Roles.Editor);
        var loadedByOwner = await registry.Versions.GetAsync(owner, name, 1);
        var loadedByColleague = await registry.Versions.GetAsync(colleague, name, 1);

        await registry.Versions.UpdateDescriptionAsync(colleague, name, 1, "Colleague's text", loadedByColleague.Description);
        var error = await Assert.ThrowsAsync<RegistryError>(() =>
            registry.Versions.UpdateDescriptionAsync(owner, name, 1, "Owner's text", loadedByOwner.Description));

        Assert.Equal(ErrorKind.Conflict, error.Kind);
        Assert.Contains("Reload", error.Message);
        Assert.Equal("Colleague's text", (await registry.Versions.GetAsync(owner, name, 1)).Description);
    }

    [Fact]
    public async Task Racing_description_saves_from_one_loaded_copy_let_exactly_one_win()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);
        var loaded = (await registry.Models.GetAsync(owner, name)).Description;

        var outcomes = await RaceOutcomes(Racers, i => registry.Models.UpdateDescriptionAsync(owner, name, $"text {i}", loaded));

        var winner = Assert.Single(Enumerable.Range(0, Racers), i => outcomes[i] is null);
        Assert.All(outcomes.Where(o => o is not null), o => Assert.Equal(ErrorKind.Conflict, Assert.IsType<RegistryError>(o).Kind));
        Assert.Equal($"text {winner}", (await registry.Models.GetAsync(owner, name)).Description);
    }

    [Fact]
    public async Task A_busy_database_is_waited_for_and_never_shown_as_an_error()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);

        // Many writers at once on one file: every call succeeds, none leaks "database is locked".
        var outcomes = await RaceOutcomes(Racers * 2, i => registry.Versions.SetTagAsync(owner, name, 1, $"k{i}", $"v{i}"));

        Assert.All(outcomes, Assert.Null);
        Assert.Equal(Racers * 2, (await registry.Versions.GetAsync(owner, name, 1)).Tags.Count);
    }

    private static async Task<List<Stage>> StagesOf(TestRegistry registry, string name) =>
        await registry.QueryAsync(db => db.Versions.Where(v => v.Model!.Name == name).Select(v => v.Stage).ToListAsync());

    /// <summary>Starts <paramref name="count"/> operations at once and returns their results; any failure fails the test.</summary>
    private static async Task<T[]> Race<T>(int count, Func<int, Task<T>> operation)
    {
        using var gate = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, count).Select(i => Task.Run(async () => { gate.Wait(); return await operation(i); })).ToArray();
        gate.Set();
        return await Task.WhenAll(tasks);
    }

    /// <summary>Like <see cref="Race{T}"/>, but returns each operation's exception (null when it succeeded).</summary>
    private static async Task<Exception?[]> RaceOutcomes(int count, Func<int, Task> operation) =>
        await Race(count, async i =>
        {
            try { await operation(i); return (Exception?)null; }
            catch (Exception e) { return e; }
        });
}
