using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Domain;
using RegistryPortal.Tests.TestSupport;
using RegistryPortal.Tracking;

namespace RegistryPortal.Tests.Tracking;

public class ExperimentListTests
{
    [Fact]
    public async Task Experiments_are_listed_newest_first_with_their_run_counts_and_found_by_name_ignoring_case()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var editor = await registry.UserAsync(Roles.Editor);
        var experiments = registry.Services.GetRequiredService<ExperimentService>();
        var runs = registry.Services.GetRequiredService<RunService>();
        var fraud = await experiments.CreateAsync(editor, "Fraud-Detection");
        var churn = await experiments.CreateAsync(editor, "churn");
        for (var i = 0; i < 3; i++) await runs.CreateAsync(editor, fraud.Id);
        var reader = await registry.UserAsync(Roles.Reader);

        var all = await experiments.ListAsync(reader);
        var found = await experiments.ListAsync(reader, "FRAUD");
        var paged = await experiments.ListAsync(reader, pageIndex: 1, pageSize: 1);

        Assert.Equal([("churn", churn.Id, 0), ("Fraud-Detection", fraud.Id, 3)], all.Items.Select(e => (e.Name, e.Id, e.RunCount)));
        Assert.Equal(fraud.CreationTime, all.Items[1].CreationTime);
        Assert.Equal(["Fraud-Detection"], found.Items.Select(e => e.Name));
        Assert.Equal((2, "Fraud-Detection"), (paged.Total, paged.Items.Single().Name));
        Assert.Empty((await experiments.ListAsync(reader, "nothing like it")).Items);
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, async () => await experiments.ListAsync(await registry.UserAsync()), "Reader role");
    }
}
