using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Registry.Search;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry.Search;

/// <summary>
/// The filters MLflow 3's client adds to every registry search to keep prompts out
/// (<c>tag.`mlflow.prompt.is_prompt` != 'true'</c>): models and versions without the tag pass, as on MLflow's server.
/// </summary>
public class MlflowThreeFilterTests
{
    private const string NotPrompt = "tag.`mlflow.prompt.is_prompt` != 'true'";

    /// <summary>
    /// plain: no tags. prompt: is_prompt 'true'. declared: is_prompt 'false'. upper: is_prompt 'TRUE'.
    /// teamed: team risk, a.b yes. Each has one version carrying the same tags as its model.
    /// </summary>
    private static async Task<TestRegistry> RegistryWithModelsAsync()
    {
        var registry = await TestRegistry.CreateAsync();
        var owner = await registry.UserAsync(Roles.Editor);
        await Add("plain");
        await Add("prompt", ("mlflow.prompt.is_prompt", "true"));
        await Add("declared", ("mlflow.prompt.is_prompt", "false"));
        await Add("upper", ("mlflow.prompt.is_prompt", "TRUE"));
        await Add("teamed", ("team", "risk"), ("a.b", "yes"));
        return registry;

        async Task Add(string name, params (string Key, string Value)[] tags)
        {
            await registry.Models.CreateAsync(owner, name);
            foreach (var (key, value) in tags) await registry.Models.SetTagAsync(owner, name, key, value);
            await registry.Versions.RegisterAsync(owner, new NewVersion(name, $"s3://bucket/{name}", Tags: tags.ToDictionary(t => t.Key, t => t.Value)));
        }
    }

    private static async Task<List<string>> ModelsMatchingAsync(TestRegistry registry, string filter)
    {
        var names = await registry.QueryAsync(db => RegistryFilter.ForModels(filter).ApplyTo(db.Models, db).Select(m => m.Name).ToListAsync());
        return names.Order(StringComparer.Ordinal).ToList();
    }

    private static async Task<List<string>> VersionsMatchingAsync(TestRegistry registry, string filter)
    {
        var names = await registry.QueryAsync(db => RegistryFilter.ForVersions(filter).ApplyTo(db.Versions, db).Select(v => v.Model!.Name).ToListAsync());
        return names.Order(StringComparer.Ordinal).ToList();
    }

    private static List<string> Split(string names) => names.Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();

    [Theory]
    [InlineData("name='plain' AND " + NotPrompt, "plain")] // no such tag: not a prompt
    [InlineData("name='prompt' AND " + NotPrompt, "")]
    [InlineData("name='declared' AND " + NotPrompt, "declared")]
    [InlineData("name='upper' AND " + NotPrompt, "upper")] // values compare exactly: only 'true' marks a prompt
    [InlineData(NotPrompt, "declared,plain,teamed,upper")]
    [InlineData("tags.`mlflow.prompt.is_prompt` != 'true'", "declared,plain,teamed,upper")] // tags. as well as tag.
    [InlineData("tag.`mlflow.prompt.is_prompt` = 'true'", "prompt")] // the prompts' own search needs the tag
    [InlineData("tag.`mlflow.prompt.is_prompt` != 'false'", "prompt,upper")] // any other value: the tag must exist
    public async Task The_not_a_prompt_filter_lets_models_without_the_tag_through(string filter, string expected)
    {
        await using var registry = await RegistryWithModelsAsync();
        Assert.Equal(Split(expected), await ModelsMatchingAsync(registry, filter));
    }

    [Theory]
    [InlineData("name='plain' AND " + NotPrompt, "plain")]
    [InlineData("name='prompt' AND " + NotPrompt, "")]
    [InlineData("name='declared' AND " + NotPrompt, "declared")]
    [InlineData(NotPrompt, "declared,plain,teamed,upper")]
    [InlineData("tag.`mlflow.prompt.is_prompt` = 'true'", "prompt")]
    public async Task Versions_take_the_not_a_prompt_filter_from_their_own_tags(string filter, string expected)
    {
        await using var registry = await RegistryWithModelsAsync();
        Assert.Equal(Split(expected), await VersionsMatchingAsync(registry, filter));
    }

    [Theory]
    [InlineData("tags.`a.b` = 'yes'", "teamed")]
    [InlineData("tag.`a.b` = 'yes'", "teamed")]
    [InlineData("tag.team = 'risk'", "teamed")]
    [InlineData("tags.`team` LIKE 'r%'", "teamed")]
    [InlineData("tag.`a.b` = 'no'", "")]
    public async Task Back_quoted_keys_and_the_tag_prefix_parse(string filter, string expected)
    {
        await using var registry = await RegistryWithModelsAsync();
        Assert.Equal(Split(expected), await ModelsMatchingAsync(registry, filter));
        Assert.Equal(Split(expected), await VersionsMatchingAsync(registry, filter));
    }

    [Theory]
    [InlineData("tags.team != 'ops'", "teamed")] // models without a team do not match (2.x behaviour)
    [InlineData("tag.`a.b` != 'no'", "teamed")]
    [InlineData("tags.`mlflow.prompt.is_prompt_v2` != 'true'", "")] // only that exact key is special
    public async Task Any_other_tag_s_not_equal_still_needs_the_tag(string filter, string expected)
    {
        await using var registry = await RegistryWithModelsAsync();
        Assert.Equal(Split(expected), await ModelsMatchingAsync(registry, filter));
        Assert.Equal(Split(expected), await VersionsMatchingAsync(registry, filter));
    }

    [Fact]
    public async Task The_client_s_search_through_the_service_finds_models_and_versions_without_the_tag()
    {
        await using var registry = await RegistryWithModelsAsync();
        var reader = await registry.UserAsync(Roles.Reader);

        var found = await registry.Search.SearchModelsAsync(reader, new SearchQuery("name='plain' AND " + NotPrompt));
        var versions = await registry.Search.SearchVersionsAsync(reader, new SearchQuery("name='plain' AND " + NotPrompt));
        var prompts = await registry.Search.SearchModelsAsync(reader, new SearchQuery("name='prompt' AND " + NotPrompt));

        Assert.Equal(["plain"], found.Items.Select(m => m.Name));
        Assert.Equal([("plain", 1)], versions.Items.Select(v => (v.ModelName, v.Version)));
        Assert.Empty(prompts.Items);
    }

    [Fact]
    public async Task An_unclosed_back_quoted_key_is_an_invalid_value_that_says_where()
    {
        await using var registry = await TestRegistry.CreateAsync();

        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => ModelsMatchingAsync(registry, "tag.`mlflow.prompt.is_prompt != 'true'"), "no closing");
    }
}
