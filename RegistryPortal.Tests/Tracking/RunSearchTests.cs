using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Domain;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;
using RegistryPortal.Tracking;

namespace RegistryPortal.Tests.Tracking;

/// <summary>Searching runs with a filter, order_by and pages, in SQL over a real SQLite file.</summary>
public class RunSearchTests : IAsyncLifetime
{
    private TestRegistry registry = default!;
    private RunService runs = default!;
    private RunSearch search = default!;
    private Actor editor = default!;
    private int experimentId;
    private string alpha = "", beta = "", gamma = "";

    /// <summary>
    /// alpha: lr 0.1, model xgboost, team risk, auc 0.95 then 0.80 (latest 0.80), FINISHED, 1000–2000.
    /// beta: lr 0.01, model XGBoost-v2, auc 0.85 then 0.92 (latest 0.92), RUNNING since 2000.
    /// gamma: lr 0.1, no model, no auc, loss 0.3, team ops, FAILED, 3000–5000.
    /// </summary>
    public async ValueTask InitializeAsync()
    {
        registry = await TestRegistry.CreateAsync();
        runs = registry.Services.GetRequiredService<RunService>();
        search = registry.Services.GetRequiredService<RunSearch>();
        editor = await registry.UserAsync(Roles.Editor);
        experimentId = (await registry.Services.GetRequiredService<ExperimentService>().CreateAsync(editor, "fraud")).Id;
        alpha = await RunAsync("alpha", 1000, new() { ["lr"] = "0.1", ["model"] = "xgboost" }, new() { ["team"] = "risk" },
            [new("auc", 0.95, 1100, 0), new("auc", 0.80, 1200, 1)]);
        await runs.UpdateAsync(editor, alpha, status: "FINISHED", endTime: 2000);
        beta = await RunAsync("beta", 2000, new() { ["lr"] = "0.01", ["model"] = "XGBoost-v2" }, new(),
            [new("auc", 0.85, 2100, 0), new("auc", 0.92, 2200, 1)]);
        gamma = await RunAsync("gamma", 3000, new() { ["lr"] = "0.1" }, new() { ["team"] = "ops" }, [new("loss", 0.3, 3100, 0)]);
        await runs.UpdateAsync(editor, gamma, status: "FAILED", endTime: 5000);
        // A run of another experiment that matches every filter below: it must never show.
        var other = (await registry.Services.GetRequiredService<ExperimentService>().CreateAsync(editor, "other")).Id;
        var stray = (await runs.CreateAsync(editor, other, "stray", startTime: 4000)).Info.Id;
        await runs.LogBatchAsync(editor, stray, [new("auc", 0.99, 1, 0), new("loss", 0.1, 1, 0)],
            new Dictionary<string, string> { ["lr"] = "0.1", ["model"] = "xgboost" }, new Dictionary<string, string> { ["team"] = "risk" });
    }

    private async Task<string> RunAsync(string name, long start, Dictionary<string, string> parameters, Dictionary<string, string> tags, List<MetricValue> metrics)
    {
        var id = (await runs.CreateAsync(editor, experimentId, name, startTime: start)).Info.Id;
        await runs.LogBatchAsync(editor, id, metrics, parameters, tags);
        return id;
    }

    private async Task<List<string>> NamesAsync(string? filter, params string[] orderBy) =>
        (await search.SearchAsync(editor, [experimentId], new RunQuery(filter, orderBy))).Items.Select(r => r.Info.Name).ToList();

    [Theory]
    [InlineData("metrics.auc > 0.9", "beta")] // alpha logged 0.95 once, but its latest (highest step) is 0.80
    [InlineData("metrics.auc < 0.9", "alpha")]
    [InlineData("metrics.auc = 0.92", "beta")]
    [InlineData("metrics.auc >= 0.8", "beta,alpha")]
    [InlineData("metrics.auc <= 0.8", "alpha")]
    [InlineData("metrics.auc != 0.8", "beta")] // gamma has no auc: it matches no comparison of it
    [InlineData("metrics.loss < 1", "gamma")]
    [InlineData("metrics.missing > -1", "")]
    public async Task Metrics_compare_each_run_s_latest_value(string filter, string expected) =>
        Assert.Equal(Split(expected), await NamesAsync(filter));

    [Fact]
    public async Task The_latest_value_is_the_highest_step_then_the_latest_timestamp_then_the_last_logged()
    {
        var id = (await runs.CreateAsync(editor, experimentId, "delta", startTime: 500)).Info.Id;
        await runs.LogBatchAsync(editor, id, [new("m", 0.9, 300, 0), new("m", 0.5, 100, 1), new("m", 0.7, 200, 1)]);
        await runs.LogBatchAsync(editor, id, [new("t", 0.1, 100, 1), new("t", 0.2, 100, 1)]);

        Assert.Equal(["delta"], await NamesAsync("metrics.m = 0.7"));
        Assert.Empty(await NamesAsync("metrics.m = 0.9"));
        Assert.Empty(await NamesAsync("metrics.m = 0.5"));
        Assert.Equal(["delta"], await NamesAsync("metrics.t = 0.2"));
        Assert.Equal(0.7, (await runs.GetAsync(editor, id)).LatestMetrics.Single(m => m.Key == "m").Value); // the run page agrees
    }

    [Theory]
    [InlineData("params.lr = '0.1'", "gamma,alpha")]
    [InlineData("params.model LIKE 'xgb%'", "alpha")] // LIKE is case-sensitive
    [InlineData("params.model ILIKE 'xgb%'", "beta,alpha")]
    [InlineData("params.model LIKE '%-v_'", "beta")]
    [InlineData("params.model != 'xgboost'", "beta")] // gamma has no model param
    [InlineData("tags.team = 'risk'", "alpha")]
    [InlineData("tags.team != 'risk'", "gamma")]
    [InlineData("tags.`team` ILIKE 'R%'", "alpha")]
    [InlineData("params.lr = '0.1' AND metrics.loss < 0.5", "gamma")]
    [InlineData("params.lr = '0.1' AND tags.team = 'ops' AND metrics.auc > 0", "")]
    public async Task Params_and_tags_compare_text_and_comparisons_are_joined_with_AND(string filter, string expected) =>
        Assert.Equal(Split(expected), await NamesAsync(filter));

    [Theory]
    [InlineData("attributes.status = 'FINISHED'", "alpha")]
    [InlineData("attributes.status != 'RUNNING'", "gamma,alpha")]
    [InlineData("status ILIKE 'fail%'", "gamma")]
    [InlineData("attributes.run_name LIKE '%a'", "gamma,beta,alpha")]
    [InlineData("attributes.run_name = 'beta'", "beta")]
    [InlineData("attributes.start_time >= 2000", "gamma,beta")]
    [InlineData("attributes.start_time < 2000", "alpha")]
    [InlineData("attributes.end_time < 3000", "alpha")] // beta is still running: no end time
    [InlineData("attributes.end_time != 2000", "gamma")]
    public async Task Attributes_compare_the_run_s_own_columns(string filter, string expected) =>
        Assert.Equal(Split(expected), await NamesAsync(filter));

    [Fact]
    public async Task A_run_id_is_found_by_its_attribute() =>
        Assert.Equal(["beta"], await NamesAsync($"attributes.run_id = '{beta}'"));

    [Theory]
    [InlineData("", "gamma,beta,alpha")] // MLflow's default: newest first
    [InlineData("metrics.auc DESC", "beta,alpha,gamma")] // a run without the metric comes last
    [InlineData("metrics.auc", "alpha,beta,gamma")]
    [InlineData("metrics.auc ASC", "alpha,beta,gamma")]
    [InlineData("params.model", "beta,alpha,gamma")] // text order: 'XGBoost-v2' < 'xgboost'
    [InlineData("params.model DESC", "alpha,beta,gamma")]
    [InlineData("params.lr", "beta,gamma,alpha")] // ties ('0.1') newest first
    [InlineData("attributes.start_time", "alpha,beta,gamma")]
    [InlineData("attributes.run_name DESC", "gamma,beta,alpha")]
    [InlineData("attributes.end_time DESC", "gamma,alpha,beta")]
    [InlineData("tags.team", "gamma,alpha,beta")]
    public async Task Order_by_sorts_in_sql_with_missing_values_last(string orderBy, string expected) =>
        Assert.Equal(Split(expected), await NamesAsync(null, orderBy));

    [Fact]
    public async Task Several_order_by_clauses_sort_by_the_first_then_the_next() =>
        Assert.Equal(["alpha", "gamma", "beta"], await NamesAsync(null, "params.lr DESC", "attributes.start_time"));

    [Theory]
    [InlineData("metrics.auc DESC", "beta,alpha,gamma")] // gamma has no auc: last, also across page boundaries
    [InlineData("metrics.auc", "alpha,beta,gamma")]
    [InlineData("attributes.end_time DESC", "gamma,alpha,beta")] // beta has not ended: last
    [InlineData("params.lr", "beta,gamma,alpha")]
    public async Task Keyset_pages_of_one_walk_the_whole_order_with_missing_values_last(string orderBy, string expected)
    {
        var names = new List<string>();
        string? token = null;
        do
        {
            var page = await search.SearchPageAsync(editor, [experimentId], new RegistryPortal.Registry.SearchQuery(null, [orderBy], 1, token));
            names.AddRange(page.Items.Select(r => r.Info.Name));
            token = page.NextPageToken;
        }
        while (token is not null && names.Count < 10);

        Assert.Equal(Split(expected), names);
    }

    [Fact]
    public async Task A_run_logged_while_a_client_pages_does_not_shift_its_pages()
    {
        var first = await search.SearchPageAsync(editor, [experimentId], new RegistryPortal.Registry.SearchQuery(null, ["metrics.auc DESC"], 2, null));
        await RunAsync("delta", 6000, new(), new(), [new("auc", 0.99, 6100, 0)]); // would sort first

        var rest = await search.SearchPageAsync(editor, [experimentId], new RegistryPortal.Registry.SearchQuery(null, ["metrics.auc DESC"], 2, first.NextPageToken));

        Assert.Equal(["beta", "alpha"], first.Items.Select(r => r.Info.Name));
        Assert.Equal(["gamma"], rest.Items.Select(r => r.Info.Name));
        Assert.Null(rest.NextPageToken);
    }

    [Fact]
    public async Task Pages_hold_the_total_and_follow_the_order()
    {
        var first = await search.SearchAsync(editor, [experimentId], new RunQuery(OrderBy: ["metrics.auc DESC"], PageIndex: 0, PageSize: 2));
        var second = await search.SearchAsync(editor, [experimentId], new RunQuery(OrderBy: ["metrics.auc DESC"], PageIndex: 1, PageSize: 2));
        var filtered = await search.SearchAsync(editor, [experimentId], new RunQuery("params.lr = '0.1'", PageSize: 1));

        Assert.Equal((3, "beta,alpha"), (first.Total, string.Join(",", first.Items.Select(r => r.Info.Name))));
        Assert.Equal((3, "gamma"), (second.Total, string.Join(",", second.Items.Select(r => r.Info.Name))));
        Assert.Equal((2, 1), (filtered.Total, filtered.Items.Count));
    }

    [Fact]
    public async Task Found_runs_come_with_their_params_tags_and_latest_metrics()
    {
        var run = (await search.SearchAsync(editor, [experimentId], new RunQuery("attributes.run_name = 'alpha'"))).Items.Single();

        Assert.Equal(["lr=0.1", "model=xgboost"], run.Params.Select(p => $"{p.Key}={p.Value}"));
        Assert.Equal(["mlflow.runName=alpha", "team=risk"], run.Tags.Select(t => $"{t.Key}={t.Value}"));
        Assert.Equal(["auc=0.8"], run.LatestMetrics.Select(m => $"{m.Key}={m.Value}"));
    }

    [Fact]
    public async Task A_filter_or_order_by_that_does_not_parse_is_an_invalid_value_and_outsiders_see_nothing()
    {
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => search.SearchAsync(editor, [experimentId], new RunQuery("metrics.auc > 'high'")),
            "Invalid filter at position 15", "without quotes");
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => search.SearchAsync(editor, [experimentId], new RunQuery(OrderBy: ["metrics.auc UP"])),
            "Invalid order_by clause 'metrics.auc UP' at position 13");
        var reader = await registry.UserAsync(Roles.Reader);
        Assert.Equal(3, (await search.SearchAsync(reader, [experimentId], new RunQuery())).Total);
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, async () => await search.SearchAsync(await registry.UserAsync(), [experimentId], new RunQuery()), "Reader role");
    }

    [Fact]
    public async Task Columns_are_the_param_and_metric_names_of_the_experiment_s_runs()
    {
        var columns = await search.ColumnsAsync(editor, [experimentId]);

        Assert.Equal(["lr", "model"], columns.Params);
        Assert.Equal(["auc", "loss"], columns.Metrics);
    }

    private static List<string> Split(string names) => names.Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();

    public async ValueTask DisposeAsync() => await registry.DisposeAsync();
}
