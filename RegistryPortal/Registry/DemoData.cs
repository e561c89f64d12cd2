using Microsoft.AspNetCore.Identity;
using RegistryPortal.Data;
using RegistryPortal.Domain;
using RegistryPortal.Security;

namespace RegistryPortal.Registry;

/// <summary>A small living registry for newcomers (--seed-demo or Demo:Seed): every stage, tags, descriptions, a pending request.</summary>
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

        var versions = services.GetRequiredService<VersionService>();
        var stages = services.GetRequiredService<StageService>();

        await models.CreateAsync(actor, DemoModel,
            "# Fraud detector\nScores card transactions for fraud risk.\n\n- **Owner:** risk team\n- **Input:** transaction features\n- **Output:** probability of fraud",
            new Dictionary<string, string> { ["team"] = "risk", ["task"] = "classification" });
        for (var i = 1; i <= 4; i++)
        {
            await versions.RegisterAsync(actor, new NewVersion(DemoModel, $"mlflow-artifacts:/1/run{i:000}/artifacts/model",
                RunId: $"run{i:000}", Description: $"Gradient boosting, training window {2023 + i}",
                Tags: new Dictionary<string, string> { ["validation_auc"] = $"0.{88 + i}" }));
        }
        await stages.TransitionAsync(actor, DemoModel, 1, "Archived", comment: "Replaced by version 2.");
        await stages.TransitionAsync(actor, DemoModel, 2, "Production", comment: "Passed the shadow test.");
        await stages.TransitionAsync(actor, DemoModel, 3, "Staging", comment: "Candidate for the next release.");
        await services.GetRequiredService<TransitionRequestService>().CreateAsync(actor, DemoModel, 3, "Production",
            archiveExisting: true, comment: "AUC up two points on the holdout set; please review.");
        await services.GetRequiredService<AliasService>().SetAsync(actor, DemoModel, "champion", 2);

        await models.CreateAsync(actor, "churn-predictor", "Predicts which customers will cancel in the next 30 days.",
            new Dictionary<string, string> { ["team"] = "growth" });
        await versions.RegisterAsync(actor, new NewVersion("churn-predictor", "mlflow-artifacts:/2/run101/artifacts/model", RunId: "run101"));
        await versions.RegisterAsync(actor, new NewVersion("churn-predictor", "mlflow-artifacts:/2/run102/artifacts/model", RunId: "run102"));
        await stages.TransitionAsync(actor, "churn-predictor", 1, "Production");

        await models.CreateAsync(actor, "image-classifier", "Tags product photos by category.",
            new Dictionary<string, string> { ["team"] = "catalog", ["framework"] = "pytorch" });
        await versions.RegisterAsync(actor, new NewVersion("image-classifier", "mlflow-artifacts:/3/run201/artifacts/model", RunId: "run201"));
    }
}
