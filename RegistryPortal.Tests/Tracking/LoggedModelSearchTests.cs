using RegistryPortal.Domain;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;
using RegistryPortal.Tracking;

namespace RegistryPortal.Tests.Tracking;

/// <summary>Searching logged models (MLflow 3's logged-models/search): filter, order_by and keyset pages, in SQL.</summary>
public class LoggedModelSearchTests : IAsyncLifetime
{
    private TestRegistry registry = default!;
    private LoggedModelService models = default!;
    private Actor editor = default!;
    private int experimentId, otherExperimentId;
    private string runA = "", runB = "";
    private string alpha = "", beta = "", gamma = "", deleted = "", stray = "";

    /// <summary>
    /// alpha: from run A, lr 0.1, team risk, acc 0.7 then 0.9 (latest 0.9), READY, created at 1000.
    /// Beta: from run B, lr 0.01, team ops, acc 0.8, PENDING, created at 2000.
    /// gamma: no run, no params, no tags, no metrics, UPLOAD_FAILED, created at 3000.
    /// deleted: like alpha, deleted, created at 4000. stray: like alpha in another experiment, created at 5000.
    /// </summary>
    public async ValueTask InitializeAsync()
    {
        registry = await TestRegistry.CreateAsync();
        (models, editor, experimentId, runA) = await LoggedModelServiceTests.NewExperimentAsync(registry);
        runB = (await registry.Runs().CreateAsync(editor, experimentId)).Info.Id;
        alpha = await ModelAsync(experimentId, "alpha", runA, 1000, LoggedModelStatuses.Ready, "0.1", "risk", [new("acc", 0.7, 10, 0), new("acc", 0.9, 20, 1)]);
        beta = await ModelAsync(experimentId, "Beta", runB, 2000, null, "0.01", "ops", [new("acc", 0.8, 10, 0)]);
        gamma = await ModelAsync(experimentId, "gamma", null, 3000, LoggedModelStatuses.UploadFailed, null, null, []);
        deleted = await ModelAsync(experimentId, "deleted", runA, 4000, LoggedModelStatuses.Ready, "0.1", "risk", [new("acc", 0.9, 10, 0)]);
        await models.DeleteAsync(editor, deleted);
        otherExperimentId = await registry.ExperimentAsync(editor, "other");
        var strayRun = (await registry.Runs().CreateAsync(editor, otherExperimentId)).Info.Id;
        stray = await ModelAsync(otherExperimentId, "alpha", strayRun, 5000, LoggedModelStatuses.Ready, "0.1", "risk", [new("acc", 0.99, 10, 0)]);
    }

    private async Task<string> ModelAsync(int experiment, string name, string? runId, long created, string? status, string? lr, string? team, List<MetricValue> metrics)
    {
        var id = (await models.CreateAsync(editor, new NewLoggedModel(experiment, name, runId,
            Params: lr is null ? null : new Dictionary<string, string> { ["lr"] = lr },
            Tags: team is null ? null : new Dictionary<string, string> { ["team"] = team }))).Info.Id;
        if (metrics.Count > 0) await registry.Runs().LogBatchAsync(editor, runId!, metrics.Select(m => m with { ModelId = id }).ToList());
        if (status is not null) await models.FinalizeAsync(editor, id, status);
        await LoggedModelServiceTests.SetCreationTimeAsync(registry, id, created);
        return id;
    }

    private async Task<List<string>> NamesAsync(string? filter, params LoggedModelOrder[] orderBy) =>
        (await models.SearchAsync(editor, new LoggedModelQuery([experimentId], filter, orderBy))).Items.Select(m => m.Info.Name).ToList();

    [Theory]
    [InlineData(null, "gamma,Beta,alpha")] // newest first
    [InlineData("", "gamma,Beta,alpha")]
    [InlineData("name = 'alpha'", "alpha")]
    [InlineData("name = 'ALPHA'", "")]
    [InlineData("name != 'alpha'", "gamma,Beta")]
    [InlineData("name LIKE '%a'", "gamma,Beta,alpha")]
    [InlineData("name LIKE 'b%'", "")] // LIKE is case-sensitive
    [InlineData("name ILIKE 'b%'", "Beta")]
    [InlineData("attributes.name LIKE 'g_mma'", "gamma")]
    [InlineData("status = 'LOGGED_MODEL_READY'", "alpha")]
    [InlineData("status != 'LOGGED_MODEL_READY'", "gamma,Beta")]
    [InlineData("attributes.status = 'LOGGED_MODEL_PENDING'", "Beta")]
    [InlineData("name = 'deleted'", "")] // a deleted model never shows
    public async Task Attributes_compare_the_model_s_own_columns(string? filter, string expected) =>
        Assert.Equal(Split(expected), await NamesAsync(filter));

    [Theory]
    [InlineData("creation_timestamp > 1500", "gamma,Beta")]
    [InlineData("creation_timestamp <= 2000", "Beta,alpha")]
    [InlineData("attributes.creation_timestamp = 3000", "gamma")]
    [InlineData("creation_timestamp != 2000", "gamma,alpha")]
    [InlineData("creation_timestamp >= 1000 AND creation_timestamp < 3000", "Beta,alpha")]
    public async Task Creation_timestamps_compare_as_numbers(string filter, string expected) =>
        Assert.Equal(Split(expected), await NamesAsync(filter));

    [Fact]
    public async Task Source_run_and_model_id_find_their_models()
    {
        Assert.Equal(["alpha"], await NamesAsync($"source_run_id = '{runA}'"));
        Assert.Equal(["gamma", "Beta"], await NamesAsync($"source_run_id != '{runA}'"));
        Assert.Equal(["gamma"], await NamesAsync("source_run_id = ''"));
        Assert.Equal(["Beta"], await NamesAsync($"model_id = '{beta}'"));
    }

    [Theory]
    [InlineData("params.lr = '0.1'", "alpha")]
    [InlineData("params.lr != '0.1'", "Beta")] // gamma has no lr: it matches no comparison of it
    [InlineData("params.lr LIKE '0.%'", "Beta,alpha")]
    [InlineData("tags.team = 'ops'", "Beta")]
    [InlineData("tags.`team` LIKE 'r%'", "alpha")]
    [InlineData("tags.team ILIKE 'RISK'", "alpha")]
    [InlineData("tags.team != 'risk'", "Beta")]
    [InlineData("metrics.acc > 0.85", "alpha")] // alpha's latest value (step 1) is 0.9
    [InlineData("metrics.acc < 0.85", "Beta")] // alpha's earlier 0.7 does not count
    [InlineData("metrics.acc >= 0.8", "Beta,alpha")]
    [InlineData("metrics.acc = 0.9", "alpha")]
    [InlineData("metrics.acc != 0.9", "Beta")]
    [InlineData("metrics.missing > -1", "")]
    [InlineData("params.lr = '0.1' AND metrics.acc > 0.5 AND status = 'LOGGED_MODEL_READY'", "alpha")]
    [InlineData("tags.team = 'ops' AND metrics.acc > 0.85", "")]
    public async Task Params_tags_and_metrics_match_models_that_have_them(string filter, string expected) =>
        Assert.Equal(Split(expected), await NamesAsync(filter));

    [Fact]
    public async Task Found_models_come_with_their_params_tags_and_metrics()
    {
        var found = (await models.SearchAsync(editor, new LoggedModelQuery([experimentId], "name = 'alpha'"))).Items.Single();

        Assert.Equal((alpha, runA, LoggedModelStatuses.Ready), (found.Info.Id, found.Info.SourceRunId, found.Info.Status));
        Assert.Equal(["lr=0.1"], found.Params.Select(p => $"{p.Key}={p.Value}"));
        Assert.Equal(["team=risk"], found.Tags.Select(t => $"{t.Key}={t.Value}"));
        Assert.Equal(["acc=0.7", "acc=0.9"], found.Metrics.Select(m => $"{m.Key}={m.Value}"));
    }

    [Fact]
    public async Task Only_the_named_experiments_are_searched_and_at_least_one_is_needed()
    {
        Assert.Equal([stray], (await models.SearchAsync(editor, new LoggedModelQuery([otherExperimentId]))).Items.Select(m => m.Info.Id));
        Assert.Equal([stray, alpha],
            (await models.SearchAsync(editor, new LoggedModelQuery([experimentId, otherExperimentId], "name = 'alpha'"))).Items.Select(m => m.Info.Id));
        Assert.Empty((await models.SearchAsync(editor, new LoggedModelQuery([999_999]))).Items);
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => models.SearchAsync(editor, new LoggedModelQuery([])), "experiment_ids");
    }

    [Theory]
    [InlineData("metrics.acc > 'high'", "Invalid filter at position 15", "without quotes")]
    [InlineData("run_name = 'alpha'", "Invalid filter at position 1", "'run_name' is not a key")]
    [InlineData("attributes.start_time > 1", "Invalid filter at position 1", "unknown attribute 'start_time'", "creation_timestamp")]
    [InlineData("name = 'alpha' AND", "Invalid filter at position 19")]
    [InlineData("name = alpha", "Invalid filter at position 8")]
    [InlineData("creation_timestamp > 'yesterday'", "Invalid filter at position 22")]
    public async Task A_filter_that_does_not_parse_is_an_invalid_value_that_says_where(string filter, params string[] message) =>
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => models.SearchAsync(editor, new LoggedModelQuery([experimentId], filter)), message);

    [Theory]
    [InlineData("name", true, "Beta,alpha,gamma")] // ordinal: upper case first, on both databases
    [InlineData("name", false, "gamma,alpha,Beta")]
    [InlineData("metrics.acc", true, "Beta,alpha,gamma")] // a model without the metric comes last
    [InlineData("metrics.acc", false, "alpha,Beta,gamma")]
    [InlineData("creation_timestamp", true, "alpha,Beta,gamma")]
    [InlineData("creation_timestamp", false, "gamma,Beta,alpha")]
    [InlineData("status", true, "Beta,alpha,gamma")] // PENDING < READY < UPLOAD_FAILED
    public async Task Order_by_sorts_in_sql_with_models_lacking_the_metric_last(string field, bool ascending, string expected) =>
        Assert.Equal(Split(expected), await NamesAsync(null, new LoggedModelOrder(field, ascending)));

    [Fact]
    public async Task Ties_in_the_order_fall_back_to_newest_first()
    {
        var twin = (await models.CreateAsync(editor, new NewLoggedModel(experimentId, "alpha"))).Info.Id;
        await LoggedModelServiceTests.SetCreationTimeAsync(registry, twin, 1500);

        var ids = (await models.SearchAsync(editor, new LoggedModelQuery([experimentId], "name = 'alpha'", [new LoggedModelOrder("name")]))).Items.Select(m => m.Info.Id);

        Assert.Equal([twin, alpha], ids);
    }

    [Theory]
    [InlineData("params.lr", "Invalid order by field name")]
    [InlineData("tags.team", "Invalid order by field name")]
    [InlineData("run_name", "Invalid order_by clause 'run_name'")]
    [InlineData("", "order_by.field_name")]
    public async Task An_order_by_this_search_cannot_sort_by_is_an_invalid_value(string field, string message) =>
        await Expect.RefusalAsync(ErrorKind.InvalidValue,
            () => models.SearchAsync(editor, new LoggedModelQuery([experimentId], OrderBy: [new LoggedModelOrder(field)])), message);

    [Theory]
    [InlineData(null)]
    [InlineData("metrics.acc")]
    [InlineData("name")]
    public async Task Walking_every_page_of_one_model_each_gives_the_whole_result_in_order(string? field)
    {
        IReadOnlyList<LoggedModelOrder> order = field is null ? [] : [new LoggedModelOrder(field, Ascending: false)];
        var whole = (await models.SearchAsync(editor, new LoggedModelQuery([experimentId], OrderBy: order))).Items.Select(m => m.Info.Id).ToList();

        var walked = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await models.SearchAsync(editor, new LoggedModelQuery([experimentId], OrderBy: order, MaxResults: 1, PageToken: token));
            walked.AddRange(page.Items.Select(m => m.Info.Id));
            token = page.NextPageToken;
            pages++;
        } while (token is not null && pages < 10);

        Assert.Equal(3, whole.Count);
        Assert.Equal(whole, walked);
        Assert.Equal(3, pages); // the last full page says no more follow
    }

    [Fact]
    public async Task A_model_logged_while_a_client_pages_does_not_shift_its_pages()
    {
        var first = await models.SearchAsync(editor, new LoggedModelQuery([experimentId], MaxResults: 2));
        await models.CreateAsync(editor, new NewLoggedModel(experimentId, "newcomer")); // the newest: it sorts first
        var second = await models.SearchAsync(editor, new LoggedModelQuery([experimentId], MaxResults: 2, PageToken: first.NextPageToken));

        Assert.Equal([gamma, beta], first.Items.Select(m => m.Info.Id));
        Assert.NotNull(first.NextPageToken);
        Assert.Equal([alpha], second.Items.Select(m => m.Info.Id));
        Assert.Null(second.NextPageToken);
        Assert.Equal("newcomer", (await NamesAsync(null))[0]); // a new search sees it
    }

    [Fact]
    public async Task Max_results_must_be_positive_and_a_token_only_serves_its_own_search()
    {
        var first = await models.SearchAsync(editor, new LoggedModelQuery([experimentId], MaxResults: 1));

        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => models.SearchAsync(editor, new LoggedModelQuery([experimentId], MaxResults: 0)), "max_results");
        await Expect.RefusalAsync(ErrorKind.InvalidValue,
            () => models.SearchAsync(editor, new LoggedModelQuery([experimentId], "name != 'x'", MaxResults: 1, PageToken: first.NextPageToken)), "Invalid page_token");
        await Expect.RefusalAsync(ErrorKind.InvalidValue,
            () => models.SearchAsync(editor, new LoggedModelQuery([otherExperimentId], MaxResults: 1, PageToken: first.NextPageToken)), "Invalid page_token");
        await Expect.RefusalAsync(ErrorKind.InvalidValue,
            () => models.SearchAsync(editor, new LoggedModelQuery([experimentId], MaxResults: 1, PageToken: "not-a-token")), "Invalid page_token");
        Assert.Equal(3, (await models.SearchAsync(editor, new LoggedModelQuery([experimentId]))).Items.Count);
    }

    private static List<string> Split(string names) => names.Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();

    public async ValueTask DisposeAsync() => await registry.DisposeAsync();
}
