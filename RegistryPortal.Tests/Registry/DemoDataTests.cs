using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;
using RegistryPortal.Tracking;
using Microsoft.Extensions.DependencyInjection;

namespace RegistryPortal.Tests.Registry;

/// <summary>--seed-demo: every demo version comes from a real run with a model folder, and the registry story is kept.</summary>
public class DemoDataTests : IAsyncLifetime
{
    private TestRegistry registry = default!;
    private Actor admin = default!;

    public async ValueTask InitializeAsync()
    {
        registry = await TestRegistry.CreateAsync();
        await DemoData.SeedAsync(registry.Services, new AdminOptions().Email);
        admin = await registry.UserAsync(Roles.Admin);
    }

    public ValueTask DisposeAsync() => registry.DisposeAsync();

    private static readonly (string Model, int Versions)[] DemoModels = [("fraud-detector", 4), ("churn-predictor", 2), ("image-classifier", 1)];

    [Fact]
    public async Task Every_demo_version_comes_from_a_run_with_metric_histories_and_has_an_MLmodel_with_a_signature()
    {
        foreach (var (model, count) in DemoModels)
        {
            for (var number = 1; number <= count; number++)
            {
                var version = await registry.Versions.GetAsync(admin, model, number);
                var run = await registry.Runs().GetAsync(admin, version.RunId);
                var card = await registry.Cards().CardAsync(admin, model, number);

                Assert.Equal(VersionStatus.Ready, version.Status);
                Assert.Equal("FINISHED", run.Info.Status);
                Assert.NotEmpty(run.Params);
                Assert.All(run.LatestMetrics, m => Assert.Equal(DemoRuns.Steps - 1, m.Step));
                Assert.Equal(DemoRuns.Steps, (await registry.Runs().MetricHistoryAsync(admin, run.Info.Id, run.LatestMetrics[0].Key)).Count);
                Assert.Null(card.MlModelProblem);
                Assert.NotEmpty(card.MlModel!.Signature!.Inputs);
                Assert.Null(card.InputExample!.Problem);
                Assert.NotEmpty(card.RequirementLines);
                Assert.NotNull(card.PythonEnv);
                Assert.Equal(card.Metrics.Count, run.LatestMetrics.Count);
            }
        }
    }

    [Fact]
    public async Task The_demo_keeps_its_stages_alias_and_pending_request()
    {
        Assert.Equal(
            [Stage.Archived, Stage.Production, Stage.Staging, Stage.None],
            (await registry.Versions.ListAsync(admin, DemoData.DemoModel)).Items.OrderBy(v => v.Version).Select(v => v.Stage));
        Assert.Equal(["champion"], (await registry.Versions.GetAsync(admin, DemoData.DemoModel, 2)).Aliases);
        var request = Assert.Single((await registry.Versions.DetailsAsync(admin, DemoData.DemoModel, 3)).Requests);
        Assert.Equal(Stage.Production, request.Request.ToStage);
        Assert.Equal(Stage.Production, (await registry.Versions.GetAsync(admin, "churn-predictor", 1)).Stage);
    }

    [Fact]
    public async Task A_demo_run_registers_again_from_its_model_folder()
    {
        var source = await registry.Versions.GetAsync(admin, "image-classifier", 1);

        var again = await registry.Services.GetRequiredService<ModelRegistration>()
            .RegisterAsync(admin, new NewVersion("image-classifier", $"runs:/{source.RunId}/{DemoRuns.ModelFolder}"));
        await registry.Services.GetRequiredService<ModelRegistration>().WhenIdleAsync();
        var card = await registry.Cards().CardAsync(admin, "image-classifier", again.Version);

        Assert.Equal("tensor float32", Assert.Single(card.MlModel!.Signature!.Inputs).Type);
        Assert.Equal(source.RunId, card.Version.RunId);
    }

    [Fact]
    public async Task Comparing_the_fraud_detectors_shows_the_changed_input_column()
    {
        var cards = new[] { await registry.Cards().CardAsync(admin, DemoData.DemoModel, 3), await registry.Cards().CardAsync(admin, DemoData.DemoModel, 4) };

        var changed = RegistryPortal.Registry.ModelCard.CardComparison.Of(cards).Inputs.Single(r => r.Differs);

        Assert.Equal(("merchant_category", "string", "long"), (changed.Key, changed.Cells[0].Text, changed.Cells[1].Text));
    }
}
