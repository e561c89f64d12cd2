using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;
using RegistryPortal.Tests.TestSupport;
using RegistryPortal.Tracking;

namespace RegistryPortal.Tests.Tracking;

/// <summary>Logging one metric and setting or deleting one tag on a run, as the single-value MLflow endpoints do.</summary>
public class RunLoggingTests
{
    private const string MissingRun = "0123456789abcdef0123456789abcdef";

    [Fact]
    public async Task A_logged_metric_is_stored_with_its_value_step_and_timestamp()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (runs, editor, runId) = await TrackingServiceTests.NewRunAsync(registry);

        await runs.LogMetricAsync(editor, runId, new MetricValue("loss", -0.125, 1_700_000_000_123, 7));
        await runs.LogMetricAsync(editor, runId, new MetricValue("loss", 1e300, 1_700_000_000_456, 8));

        var history = await runs.MetricHistoryAsync(editor, runId, "loss");
        Assert.Equal([(-0.125, 1_700_000_000_123L, 7L), (1e300, 1_700_000_000_456L, 8L)], history.Select(m => (m.Value, m.Timestamp, m.Step)));
        Assert.All(history, m => Assert.Equal(runId, m.RunId));
        var latest = (await runs.GetAsync(editor, runId)).LatestMetrics.Single();
        Assert.Equal(("loss", 1e300, 8L), (latest.Key, latest.Value, latest.Step));
    }

    [Fact]
    public async Task The_latest_value_is_the_highest_step_then_the_latest_timestamp_then_the_last_logged()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (runs, editor, runId) = await TrackingServiceTests.NewRunAsync(registry);
        async Task<double> LatestAsync(string key) => (await runs.GetAsync(editor, runId)).LatestMetrics.Single(m => m.Key == key).Value;

        await runs.LogMetricAsync(editor, runId, new MetricValue("auc", 0.5, 1000, 2));
        await runs.LogMetricAsync(editor, runId, new MetricValue("auc", 0.9, 9000, 1)); // later, but an earlier step
        Assert.Equal(0.5, await LatestAsync("auc"));

        await runs.LogMetricAsync(editor, runId, new MetricValue("auc", 0.6, 2000, 2)); // same step, later timestamp
        await runs.LogMetricAsync(editor, runId, new MetricValue("auc", 0.4, 1500, 2)); // same step, earlier timestamp
        Assert.Equal(0.6, await LatestAsync("auc"));

        await runs.LogMetricAsync(editor, runId, new MetricValue("acc", 0.1, 500, 0));
        await runs.LogMetricAsync(editor, runId, new MetricValue("acc", 0.2, 500, 0)); // an exact tie: the one logged last
        Assert.Equal(0.2, await LatestAsync("acc"));

        // The history reads by step, then timestamp.
        Assert.Equal([0.9, 0.5, 0.4, 0.6], (await runs.MetricHistoryAsync(editor, runId, "auc")).Select(m => m.Value));
        Assert.Equal(["acc", "auc"], (await runs.GetAsync(editor, runId)).LatestMetrics.Select(m => m.Key));
    }

    [Theory]
    [InlineData("", "metric key is required")]
    [InlineData("  ", "metric key is required")]
    [InlineData("a/../b", "may not contain '..'")]
    [InlineData("/abs", "may not contain '..' or start with '/'")]
    public async Task A_metric_with_a_bad_key_is_refused_and_nothing_is_stored(string key, string fragment)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (runs, editor, runId) = await TrackingServiceTests.NewRunAsync(registry);

        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => runs.LogMetricAsync(editor, runId, new MetricValue(key, 1, 1, 0)), fragment);

        Assert.Equal(0, await registry.QueryAsync(db => db.RunMetrics.CountAsync(m => m.RunId == runId)));
    }

    [Fact]
    public async Task A_metric_key_over_250_characters_is_refused()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (runs, editor, runId) = await TrackingServiceTests.NewRunAsync(registry);

        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => runs.LogMetricAsync(editor, runId, new MetricValue(new string('k', 251), 1, 1, 0)),
            "is 251 characters; the limit is 250");
        await runs.LogMetricAsync(editor, runId, new MetricValue(new string('k', 250), 1, 1, 0));

        Assert.Equal(250, (await runs.GetAsync(editor, runId)).LatestMetrics.Single().Key.Length);
    }

    [Fact]
    public async Task Logging_a_metric_needs_the_Editor_role_a_run_that_exists_and_is_not_deleted()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (runs, editor, runId) = await TrackingServiceTests.NewRunAsync(registry);
        var reader = await registry.UserAsync(Roles.Reader);
        var metric = new MetricValue("loss", 1, 1, 0);

        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => runs.LogMetricAsync(reader, runId, metric), "You need the Editor role");
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => runs.LogMetricAsync(registry.UserAsync().Result, runId, metric), "You need the Editor role");
        await Expect.RefusalAsync(ErrorKind.NotFound, () => runs.LogMetricAsync(editor, MissingRun, metric), $"Run with id={MissingRun} not found");
        await registry.QueryAsync(db => db.Runs.Where(r => r.Id == runId).ExecuteUpdateAsync(u => u.SetProperty(r => r.LifecycleStage, LifecycleStages.Deleted)));
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => runs.LogMetricAsync(editor, runId, metric), $"Run '{runId}' is deleted");

        Assert.Equal(0, await registry.QueryAsync(db => db.RunMetrics.CountAsync(m => m.RunId == runId)));
    }

    [Fact]
    public async Task A_tag_is_set_then_overwritten_then_deleted()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (runs, editor, runId) = await TrackingServiceTests.NewRunAsync(registry);
        async Task<string?> TagAsync(string key) => (await runs.GetAsync(editor, runId)).Tags.FirstOrDefault(t => t.Key == key)?.Value;

        await runs.SetTagAsync(editor, runId, "team", "risk");
        Assert.Equal("risk", await TagAsync("team"));
        await runs.SetTagAsync(editor, runId, "team", "fraud");
        Assert.Equal("fraud", await TagAsync("team"));
        Assert.Equal(1, await registry.QueryAsync(db => db.RunTags.CountAsync(t => t.RunId == runId && t.Key == "team")));

        await runs.DeleteTagAsync(editor, runId, "team");

        Assert.Null(await TagAsync("team"));
        Assert.NotNull(await TagAsync(RunService.RunNameTag)); // the other tags stay
    }

    [Fact]
    public async Task Setting_a_tag_refuses_bad_keys_long_values_readers_and_missing_runs()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (runs, editor, runId) = await TrackingServiceTests.NewRunAsync(registry);
        var reader = await registry.UserAsync(Roles.Reader);

        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => runs.SetTagAsync(editor, runId, "", "v"), "tag key is required");
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => runs.SetTagAsync(editor, runId, "x/../y", "v"), "tag key 'x/../y' may not contain '..'");
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => runs.SetTagAsync(editor, runId, "notes", new string('v', 8001)),
            "The value of tag 'notes' is 8001 characters; the limit is 8000");
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => runs.SetTagAsync(reader, runId, "team", "risk"), "You need the Editor role");
        await Expect.RefusalAsync(ErrorKind.NotFound, () => runs.SetTagAsync(editor, MissingRun, "team", "risk"), $"Run with id={MissingRun} not found");

        Assert.Equal([RunService.RunNameTag], (await runs.GetAsync(editor, runId)).Tags.Select(t => t.Key));
        await runs.SetTagAsync(editor, runId, "notes", new string('v', 8000));
        Assert.Equal(8000, (await runs.GetAsync(editor, runId)).Tags.Single(t => t.Key == "notes").Value.Length);
    }

    [Fact]
    public async Task Deleting_a_tag_refuses_a_missing_tag_readers_and_missing_runs()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (runs, editor, runId) = await TrackingServiceTests.NewRunAsync(registry);
        var reader = await registry.UserAsync(Roles.Reader);
        await runs.SetTagAsync(editor, runId, "team", "risk");

        await Expect.RefusalAsync(ErrorKind.NotFound, () => runs.DeleteTagAsync(editor, runId, "owner"), $"No tag with name: owner in run with id {runId}");
        await Expect.RefusalAsync(ErrorKind.NotFound, () => runs.DeleteTagAsync(editor, runId, "TEAM"), "No tag with name: TEAM"); // keys are exact
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => runs.DeleteTagAsync(reader, runId, "team"), "You need the Editor role");
        await Expect.RefusalAsync(ErrorKind.NotFound, () => runs.DeleteTagAsync(editor, MissingRun, "team"), $"Run with id={MissingRun} not found");

        Assert.Equal("risk", (await runs.GetAsync(editor, runId)).Tags.Single(t => t.Key == "team").Value);
    }
}
