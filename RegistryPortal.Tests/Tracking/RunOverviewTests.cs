using RegistryPortal.Domain;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Tracking;

/// <summary>The run page's one read: the run, its experiment's name, who logged it, every metric's history, and who may register.</summary>
public class RunOverviewTests
{
    [Theory]
    [InlineData(Roles.Reader, false)]
    [InlineData(Roles.Editor, true)]
    public async Task It_reads_the_run_with_its_histories_and_says_whether_the_caller_may_register(string role, bool mayRegister)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var editor = await registry.UserAsync(Roles.Editor);
        var experiment = await registry.ExperimentAsync(editor, "churn");
        var runId = await registry.RunAsync(editor, experiment, "baseline", 1000,
            metrics: new() { ["loss"] = [0.9, 0.5, 0.4], ["auc"] = [0.7] });

        var overview = await registry.Runs().OverviewAsync(await registry.UserAsync(role), runId);

        Assert.Equal(("baseline", "churn", "User 1", mayRegister), (overview.Run.Info.Name, overview.ExperimentName, overview.CreatedBy, overview.MayRegister));
        Assert.Equal(overview.Run.LatestMetrics.Select(m => m.Key), overview.Histories.Select(h => h.Key));
        Assert.Equal([0.9, 0.5, 0.4], overview.Histories.Single(h => h.Key == "loss").Values.Select(m => m.Value));
        Assert.Equal([0.7], overview.Histories.Single(h => h.Key == "auc").Values.Select(m => m.Value));
    }

    [Fact]
    public async Task A_run_that_does_not_exist_is_not_found()
    {
        await using var registry = await TestRegistry.CreateAsync();

        var reader = await registry.UserAsync(Roles.Reader);

        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Runs().OverviewAsync(reader, "nope"), "Run with id=nope not found");
    }
}
