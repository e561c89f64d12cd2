using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry;

/// <summary>MLflow's searches: filter, order_by, max_results and keyset page tokens, over readable rows only.</summary>
public class RegistrySearchTests
{
    private static async Task<List<T>> AllPagesAsync<T>(Func<string?, Task<SearchPage<T>>> search)
    {
        var all = new List<T>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await search(token);
            all.AddRange(page.Items);
            token = page.NextPageToken;
            Assert.True(++pages < 100, "paging does not end");
        } while (token is not null);
        return all;
    }

    [Fact]
    public async Task Models_are_ordered_by_name_ignoring_case_by_default()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var editor = await registry.UserAsync(Roles.Editor);
        foreach (var name in new[] { "beta", "Alpha", "gamma", "ALPHA-2" }) await registry.Models.CreateAsync(editor, name);

        var page = await registry.Search.SearchModelsAsync(editor, new SearchQuery());

        Assert.Equal(["Alpha", "ALPHA-2", "beta", "gamma"], page.Items.Select(m => m.Name));
        Assert.Null(page.NextPageToken);
    }

    [Fact]
    public async Task Models_order_by_name_DESC_and_by_timestamp()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var editor = await registry.UserAsync(Roles.Editor);
        foreach (var name in new[] { "a", "b", "c" }) await registry.Models.CreateAsync(editor, name);
        await registry.Models.UpdateDescriptionAsync(editor, "a", "touched last");

        var byNameDesc = await registry.Search.SearchModelsAsync(editor, new SearchQuery(OrderBy: ["name DESC"]));
        var newestFirst = await registry.Search.SearchModelsAsync(editor, new SearchQuery(OrderBy: ["last_updated_timestamp desc"]));
        var oldestFirst = await registry.Search.SearchModelsAsync(editor, new SearchQuery(OrderBy: ["timestamp"]));

        Assert.Equal(["c", "b", "a"], byNameDesc.Items.Select(m => m.Name));
        Assert.Equal(["a", "c", "b"], newestFirst.Items.Select(m => m.Name));
        Assert.Equal(["b", "c", "a"], oldestFirst.Items.Select(m => m.Name));
    }

    [Fact]
    public async Task Models_filter_by_name_and_tags()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var editor = await registry.UserAsync(Roles.Editor);
        await registry.Models.CreateAsync(editor, "fraud-a", tags: new Dictionary<string, string> { ["team"] = "risk" });
        await registry.Models.CreateAsync(editor, "fraud-b", tags: new Dictionary<string, string> { ["team"] = "growth" });
        await registry.Models.CreateAsync(editor, "churn", tags: new Dictionary<string, string> { ["team"] = "risk" });

        var page = await registry.Search.SearchModelsAsync(editor, new SearchQuery("name LIKE 'fraud%' AND tags.team = 'risk'"));

        Assert.Equal(["fraud-a"], page.Items.Select(m => m.Name));
    }

    [Fact]
    public async Task A_model_comes_with_description_creator_tags_aliases_and_latest_READY_version_per_stage()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.Production, Stage.Staging, Stage.None, Stage.Production, Stage.None);
        await registry.RegisterAsync(owner, name, pending: true); // 6, PENDING_REGISTRATION in None: not "latest"
        await registry.Models.UpdateDescriptionAsync(owner, name, "# Scores");
        await registry.Models.SetTagAsync(owner, name, "team", "risk");
        await registry.Aliases.SetAsync(owner, name, "champion", 4);

        var model = Assert.Single((await registry.Search.SearchModelsAsync(owner, new SearchQuery())).Items);
        var got = await registry.Models.GetRegisteredModelAsync(owner, name);

        Assert.Equal(name, model.Name);
        Assert.Equal("# Scores", model.Description);
        Assert.Equal("User 1", model.CreatedBy);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "risk" }, model.Tags);
        Assert.Equal([new AliasView("champion", 4)], model.Aliases);
        Assert.Equal([(Stage.None, 5), (Stage.Staging, 2), (Stage.Production, 4)],
            model.LatestVersions.Select(v => (v.Stage, v.Version)));
        Assert.Equal(["champion"], model.LatestVersions.Single(v => v.Version == 4).Aliases);
        Assert.Equal(model.LatestVersions.Select(v => v.Version), got.LatestVersions.Select(v => v.Version));
        Assert.Equal(model.Tags, got.Tags);
    }

    [Fact]
    public async Task Max_results_defaults_to_100_and_may_be_at_most_1000_for_models()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.AdminAsync();
        for (var i = 0; i < 101; i++) await registry.Models.CreateAsync(admin, $"m{i:000}");

        var first = await registry.Search.SearchModelsAsync(admin, new SearchQuery());
        Assert.Equal(100, first.Items.Count);
        Assert.NotNull(first.NextPageToken);
        Assert.Equal(101, (await registry.Search.SearchModelsAsync(admin, new SearchQuery(MaxResults: 1000))).Items.Count);

        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Search.SearchModelsAsync(admin, new SearchQuery(MaxResults: 1001)),
            "Invalid value for request parameter max_results. It must be at most 1000, but got value 1001");
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Search.SearchModelsAsync(admin, new SearchQuery(MaxResults: 0)),
            "It must be a positive integer, but got 0");
    }

    [Fact]
    public async Task Max_results_of_versions_defaults_to_10000_and_may_be_at_most_200000()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (_, owner) = await registry.ModelWithVersionsAsync(2);

        Assert.Equal(2, (await registry.Search.SearchVersionsAsync(owner, new SearchQuery(MaxResults: 200_000))).Items.Count);
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Search.SearchVersionsAsync(owner, new SearchQuery(MaxResults: 200_001)),
            "It must be at most 200000, but got value 200001");
        Assert.Equal(10_000, RegistrySearchService.VersionsDefaultMaxResults);
    }

    [Theory]
    [InlineData("creation_timestamp", "Invalid order by key 'creation_timestamp' specified. Valid keys are 'name', 'timestamp', 'last_updated_timestamp'.")]
    [InlineData("name UP", "Invalid order_by clause 'name UP'")]
    [InlineData("name ASC extra", "Invalid order_by clause 'name ASC extra'")]
    public async Task Unknown_order_by_is_refused(string clause, string message)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.AdminAsync();
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Search.SearchModelsAsync(admin, new SearchQuery(OrderBy: [clause])), message);
    }

    [Fact]
    public async Task Ordering_by_the_same_column_twice_is_refused()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.AdminAsync();
        await Expect.RefusalAsync(ErrorKind.InvalidValue,
            () => registry.Search.SearchModelsAsync(admin, new SearchQuery(OrderBy: ["timestamp", "last_updated_timestamp DESC"])),
            "`order_by` contains duplicate fields");
    }

    [Fact]
    public async Task A_bad_filter_is_refused_with_the_parser_message()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.AdminAsync();
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Search.SearchModelsAsync(admin, new SearchQuery("run_id = 'x'")), "Invalid filter");
    }

    [Fact]
    public async Task Pages_together_hold_every_model_once_in_order()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.AdminAsync();
        var names = Enumerable.Range(0, 7).Select(i => $"model-{i}").ToList();
        foreach (var name in names) await registry.Models.CreateAsync(admin, name);

        var all = await AllPagesAsync(token => registry.Search.SearchModelsAsync(admin, new SearchQuery(MaxResults: 3, PageToken: token)));

        Assert.Equal(names, all.Select(m => m.Name));
    }

    [Fact]
    public async Task Pages_stay_correct_while_models_are_added_before_and_after_the_cursor()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.AdminAsync();
        foreach (var name in new[] { "b", "d", "f", "h" }) await registry.Models.CreateAsync(admin, name);

        var first = await registry.Search.SearchModelsAsync(admin, new SearchQuery(MaxResults: 2));
        Assert.Equal(["b", "d"], first.Items.Select(m => m.Name));
        // Added while the client pages: one before the cursor (an offset would repeat "d"), one after it.
        await registry.Models.CreateAsync(admin, "a");
        await registry.Models.CreateAsync(admin, "c");
        await registry.Models.CreateAsync(admin, "g");
        var second = await registry.Search.SearchModelsAsync(admin, new SearchQuery(MaxResults: 2, PageToken: first.NextPageToken));
        var third = await registry.Search.SearchModelsAsync(admin, new SearchQuery(MaxResults: 2, PageToken: second.NextPageToken));

        Assert.Equal(["f", "g"], second.Items.Select(m => m.Name));
        Assert.Equal(["h"], third.Items.Select(m => m.Name));
        Assert.Null(third.NextPageToken);
    }

    [Fact]
    public async Task Pages_ordered_by_timestamp_stay_correct_while_versions_are_registered()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(5);
        var query = new SearchQuery($"name = '{name}'", ["creation_timestamp ASC"], MaxResults: 2);

        var first = await registry.Search.SearchVersionsAsync(owner, query);
        await registry.RegisterAsync(owner, name); // 6, newest: belongs at the end
        await registry.Versions.DeleteAsync(owner, name, 1); // seen already: an offset would now skip version 3
        var rest = await AllPagesAsync(token => registry.Search.SearchVersionsAsync(owner, query with { PageToken = token ?? first.NextPageToken }));

        Assert.Equal([1, 2], first.Items.Select(v => v.Version));
        Assert.Equal([3, 4, 5, 6], rest.Select(v => v.Version));
    }

    [Fact]
    public async Task A_token_is_only_good_for_the_search_it_came_from()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.AdminAsync();
        foreach (var name in new[] { "a", "b", "c" }) await registry.Models.CreateAsync(admin, name);
        var token = (await registry.Search.SearchModelsAsync(admin, new SearchQuery(MaxResults: 1))).NextPageToken;

        await Expect.RefusalAsync(ErrorKind.InvalidValue,
            () => registry.Search.SearchModelsAsync(admin, new SearchQuery("name != 'a'", MaxResults: 1, PageToken: token)),
            "belongs to a search with another filter or order_by");
        await Expect.RefusalAsync(ErrorKind.InvalidValue,
            () => registry.Search.SearchModelsAsync(admin, new SearchQuery(OrderBy: ["name DESC"], MaxResults: 1, PageToken: token)),
            "belongs to a search with another filter or order_by");
        await Expect.RefusalAsync(ErrorKind.InvalidValue,
            () => registry.Search.SearchVersionsAsync(admin, new SearchQuery(MaxResults: 1, PageToken: token)), "Invalid page_token");
    }

    [Theory]
    [InlineData("not a token")]
    [InlineData("eyJWIjoxLCJRIjoieCIsIkFmdGVyIjpbXX0")] // {"V":1,"Q":"x","After":[]}: well-formed, wrong shape
    public async Task A_garbled_token_is_refused(string token)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.AdminAsync();
        await Expect.RefusalAsync(ErrorKind.InvalidValue,
            () => registry.Search.SearchModelsAsync(admin, new SearchQuery(PageToken: token)), "Invalid page_token");
    }

    [Fact]
    public async Task Searches_list_only_what_the_caller_may_read()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (_, me) = await registry.ModelWithVersionsAsync(1, name: "mine");
        await registry.ModelWithVersionsAsync(1, name: "theirs");
        await registry.SetRolesAsync(me); // no role: sees only what they created
        var stranger = await registry.UserAsync();

        Assert.Equal(["mine"], (await registry.Search.SearchModelsAsync(me, new SearchQuery())).Items.Select(m => m.Name));
        Assert.Equal(["mine"], (await registry.Search.SearchVersionsAsync(me, new SearchQuery())).Items.Select(v => v.ModelName));
        Assert.Empty((await registry.Search.SearchModelsAsync(stranger, new SearchQuery())).Items);
        Assert.Empty((await registry.Search.SearchVersionsAsync(stranger, new SearchQuery())).Items);
    }

    [Fact]
    public async Task Versions_default_to_newest_change_first_then_name_then_number_descending()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (a, owner) = await registry.ModelWithVersionsAsync(2, name: "a");
        await registry.ModelWithVersionsAsync(2, name: "b", owner: owner);
        await registry.Versions.UpdateDescriptionAsync(owner, a, 1, "touched last");

        var page = await registry.Search.SearchVersionsAsync(owner, new SearchQuery());

        Assert.Equal([("a", 1), ("b", 2), ("b", 1), ("a", 2)], page.Items.Select(v => (v.ModelName, v.Version)));
    }

    [Fact]
    public async Task Versions_filter_by_run_id_IN_and_version_number_and_order_by_version()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);
        foreach (var run in new[] { "r1", "r2", "r3", "r1" })
            await registry.Versions.RegisterAsync(owner, new NewVersion(name, $"s3://b/{run}", RunId: run, Tags: new Dictionary<string, string> { ["run"] = run }));

        var byRun = await registry.Search.SearchVersionsAsync(owner,
            new SearchQuery($"name = '{name}' AND run_id IN ('r1', 'r3') AND version_number > 1", ["version_number ASC"]));

        Assert.Equal([3, 4], byRun.Items.Select(v => v.Version));
        Assert.Equal(["r3", "r1"], byRun.Items.Select(v => v.Tags["run"]));
    }
}
