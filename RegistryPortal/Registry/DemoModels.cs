using System.Globalization;

namespace RegistryPortal.Registry;

/// <summary>
/// The demo's training runs. The fraud detector's versions change as a real model's do: version 3 adds an optional input
/// column and newer requirements, version 4 encodes merchant_category as a number, so comparing them shows differences.
/// </summary>
internal static class DemoModels
{
    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    public static DemoRun Fraud(int i)
    {
        var columns = new List<DemoColumn>
        {
            new("amount", "double"), new("merchant_category", i >= 4 ? "long" : "string"), new("hour", "long"), new("card_present", "boolean"),
        };
        if (i >= 3) columns.Add(new DemoColumn("distance_from_home_km", "double", Required: false));
        var rows = Enumerable.Range(0, 8).Select(r =>
        {
            var category = i >= 4 ? $"{5411 + r * 7}" : $"\"{new[] { "grocery", "travel", "electronics", "fuel" }[r % 4]}\"";
            var row = $"{Number(12.5 + r * 37.25)}, {category}, {(r * 5 + 3) % 24}, {(r % 3 == 0 ? "false" : "true")}";
            return "[" + (i >= 3 ? $"{row}, {Number(Math.Round(1.5 + r * 4.2, 1))}" : row) + "]";
        });
        var sklearn = i >= 3 ? "1.5.1" : "1.4.2";
        return new DemoRun($"gbm-window-{2023 + i}", "sklearn", sklearn, "model.pkl",
            new Dictionary<string, string>
            {
                ["learning_rate"] = Number(Math.Round(0.1 / i, 3)), ["n_estimators"] = $"{200 + 100 * i}", ["max_depth"] = $"{3 + i}", ["training_window"] = $"{2023 + i}",
            },
            new Dictionary<string, double> { ["auc"] = 0.88 + i / 100.0, ["log_loss"] = 0.3 - 0.02 * i, ["precision_at_1pct"] = 0.6 + 0.03 * i },
            DemoRuns.Columns([.. columns]), DemoRuns.Columns(new DemoColumn("fraud_probability", "double")),
            $$"""{"columns": [{{string.Join(", ", columns.Select(c => $"\"{c.Name}\""))}}], "data": [{{string.Join(", ", rows)}}]}""",
            [$"scikit-learn=={sklearn}", i >= 3 ? "pandas==2.2.2" : "pandas==2.1.4", "numpy==1.26.4", "cloudpickle==3.0.0"]);
    }

    public static DemoRun Churn(int i)
    {
        var xgboost = i >= 2 ? "2.1.1" : "2.0.3";
        return new DemoRun($"xgb-churn-{i}", "xgboost", xgboost, "model.xgb",
            new Dictionary<string, string> { ["eta"] = Number(Math.Round(0.3 / i, 3)), ["max_depth"] = $"{4 + i}", ["objective"] = "binary:logistic" },
            new Dictionary<string, double> { ["auc"] = 0.8 + i / 50.0, ["logloss"] = 0.42 - 0.03 * i },
            DemoRuns.Columns(new("tenure_months", "long"), new("monthly_spend", "double"), new("support_tickets", "long"), new("plan", "string")),
            DemoRuns.Columns(new DemoColumn("churn_probability", "double")),
            """{"columns": ["tenure_months", "monthly_spend", "support_tickets", "plan"], "data": [[3, 19.99, 4, "basic"], [27, 49.0, 0, "pro"], [12, 29.5, 1, "basic"]]}""",
            [$"xgboost=={xgboost}", "pandas==2.2.2", "numpy==1.26.4"],
            """[{"name": "threshold", "type": "double", "default": 0.5, "shape": null}]""");
    }

    public static DemoRun Images()
    {
        // One 8×8 grey thumbnail: the model takes a batch of them.
        var image = "[[" + string.Join(", ", Enumerable.Range(0, 8).Select(y => "[" + string.Join(", ", Enumerable.Range(0, 8).Select(x => Number(Math.Round((x + y) / 14.0, 2)))) + "]")) + "]]";
        return new DemoRun("resnet-thumbnails", "pytorch", "2.3.1", "data/model.pth",
            new Dictionary<string, string> { ["epochs"] = "20", ["batch_size"] = "64", ["optimizer"] = "adam" },
            new Dictionary<string, double> { ["accuracy"] = 0.91, ["val_loss"] = 0.27 },
            """[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 1, 8, 8]}}]""",
            """[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}]""",
            $$"""{"inputs": [{{image}}]}""",
            ["torch==2.3.1", "torchvision==0.18.1", "numpy==1.26.4"]);
    }
}
