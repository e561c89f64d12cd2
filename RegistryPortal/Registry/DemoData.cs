using Microsoft.AspNetCore.Identity;
using RegistryPortal.Data;
using RegistryPortal.Domain;
using RegistryPortal.Security;
using RegistryPortal.Storage;
using RegistryPortal.Tracking;

namespace RegistryPortal.Registry;

/// <summary>
/// A small living registry for newcomers (--seed-demo or Demo:Seed): an experiment per model with training runs (params,
/// metric histories, a real model folder each), versions registered from those runs, every stage, tags, descriptions,
/// an alias and a pending request.
/// </summary>
public static class DemoData
{
    public const string DemoModel = "fraud-detector";

    public static async Task SeedAsync(IServiceProvider services, string adminEmail)
    {
        await using var scope = services.CreateAsyncScope();
        var admin = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(adminEmail)
            ?? throw new InvalidOperationException($"The admin account {adminEmail} must exist before demo data is seeded.");
        var actor = new Actor(admin.Id);
        var models = services.GetRequiredService<ModelService>();
        if ((await models.ListAsync(actor, new ModelQuery(DemoModel))).Total > 0) return; // seeded before

        var stages = services.GetRequiredService<StageService>();
        var experiments = services.GetRequiredService<ExperimentService>();
        var registration = services.GetRequiredService<ModelRegistration>();
        var runs = new DemoRuns(services.GetRequiredService<RunService>(), services.GetRequiredService<ArtifactStore>(), actor);

        // Each version is registered from its training run's model folder, as "Register Model" on the run page does.
        async Task RegisterAsync(string model, int experiment, DemoRun run, int daysAgo, IReadOnlyDictionary<string, string> runTags,
            string? description = null, IReadOnlyDictionary<string, string>? tags = null)
        {
            var runId = await runs.LogAsync(experiment, run, daysAgo, runTags);
            await registration.RegisterAsync(actor, new NewVersion(model, $"runs:/{runId}/{DemoRuns.ModelFolder}", Description: description, Tags: tags));
        }

        await models.CreateAsync(actor, DemoModel,
            "# Fraud detector\nScores card transactions for fraud risk.\n\n- **Owner:** risk team\n- **Input:** transaction features\n- **Output:** probability of fraud",
            new Dictionary<string, string> { ["team"] = "risk", ["task"] = "classification" });
        var fraud = (await experiments.CreateAsync(actor, $"{DemoModel}-training")).Id;
        for (var i = 1; i <= 4; i++)
        {
            await RegisterAsync(DemoModel, fraud, DemoModels.Fraud(i), daysAgo: 50 - 10 * i, new Dictionary<string, string> { ["team"] = "risk", ["training_window"] = $"{2023 + i}" },
                $"Gradient boosting, training window {2023 + i}", new Dictionary<string, string> { ["validation_auc"] = $"0.{88 + i}" });
        }

        await models.CreateAsync(actor, "churn-predictor", "Predicts which customers will cancel in the next 30 days.",
            new Dictionary<string, string> { ["team"] = "growth" });
        var churn = (await experiments.CreateAsync(actor, "churn-predictor-training")).Id;
        for (var i = 1; i <= 2; i++)
            await RegisterAsync("churn-predictor", churn, DemoModels.Churn(i), daysAgo: 30 - 10 * i, new Dictionary<string, string> { ["team"] = "growth" });

        await models.CreateAsync(actor, "image-classifier", "Tags product photos by category.",
            new Dictionary<string, string> { ["team"] = "catalog", ["framework"] = "pytorch" });
        var images = (await experiments.CreateAsync(actor, "image-classifier-training")).Id;
        await RegisterAsync("image-classifier", images, DemoModels.Images(), daysAgo: 5, new Dictionary<string, string> { ["team"] = "catalog" });

        // Only READY versions move: the copies into the registry finish first.
        await registration.WhenIdleAsync();
        await stages.TransitionAsync(actor, DemoModel, 1, "Archived", comment: "Replaced by version 2.");
        await stages.TransitionAsync(actor, DemoModel, 2, "Production", comment: "Passed the shadow test.");
        await stages.TransitionAsync(actor, DemoModel, 3, "Staging", comment: "Candidate for the next release.");
        await services.GetRequiredService<TransitionRequestService>().CreateAsync(actor, DemoModel, 3, "Production",
            archiveExisting: true, comment: "AUC up two points on the holdout set; please review.");
        await services.GetRequiredService<AliasService>().SetAsync(actor, DemoModel, "champion", 2);
        await stages.TransitionAsync(actor, "churn-predictor", 1, "Production");
    }
}
