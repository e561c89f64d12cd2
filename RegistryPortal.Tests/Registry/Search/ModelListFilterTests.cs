using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry.Search;

/// <summary>The models list's search box: plain words match names, text with an operator is a filter.</summary>
public class ModelListFilterTests
{
    /// <summary>Four models, three with a team tag; returns their owner.</summary>
    private static async Task<Actor> TaggedModelsAsync(TestRegistry registry)
    {
        var (_, owner) = await registry.ModelWithVersionsAsync(1, "fraud-detector");
        foreach (var name in new[] { "Fraud-Scorer", "churn", "risk-fraud" }) await registry.ModelWithVersionsAsync(0, name, owner);
        await registry.Models.SetTagAsync(owner, "fraud-detector", "team", "risk");
        await registry.Models.SetTagAsync(owner, "Fraud-Scorer", "team", "risk");
        await registry.Models.SetTagAsync(owner, "churn", "team", "growth");
        return owner;
    }

    [Fact]
    public async Task A_filter_returns_the_matching_models_and_their_total_across_pages()
    {
        await using var registry = await TestRegistry.CreateAsync();
        await TaggedModelsAsync(registry);
        var reader = await registry.UserAsync(Roles.Reader);

        var page = await registry.Models.ListAsync(reader, new ModelQuery("tags.team = 'risk'", PageSize: 1));

        Assert.Equal(2, page.Total);
        Assert.Equal(["fraud-detector"], page.Items.Select(m => m.Name));
    }

    [Fact]
    public async Task A_filter_joined_with_AND_narrows_the_list()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var owner = await TaggedModelsAsync(registry);

        var page = await registry.Models.ListAsync(owner, new ModelQuery("tags.team = 'risk' and name LIKE 'F%'"));

        Assert.Equal(1, page.Total);
        Assert.Equal(["Fraud-Scorer"], page.Items.Select(m => m.Name));
    }

    [Fact]
    public async Task Plain_text_still_matches_names_anywhere_ignoring_case()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var owner = await TaggedModelsAsync(registry);

        var page = await registry.Models.ListAsync(owner, new ModelQuery("FRAUD"));

        Assert.Equal(3, page.Total);
        Assert.Equal(["Fraud-Scorer", "fraud-detector", "risk-fraud"], page.Items.Select(m => m.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_filter_never_shows_models_the_user_may_not_read()
    {
        await using var registry = await TestRegistry.CreateAsync();
        await TaggedModelsAsync(registry);
        var outsider = await registry.UserAsync();

        var page = await registry.Models.ListAsync(outsider, new ModelQuery("name LIKE '%'"));

        Assert.Equal(0, page.Total);
        Assert.Empty(page.Items);
    }

    [Fact]
    public async Task A_filter_with_a_syntax_error_is_refused_saying_where()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var owner = await TaggedModelsAsync(registry);

        var error = await Assert.ThrowsAsync<RegistryError>(() => registry.Models.ListAsync(owner, new ModelQuery("name = fraud")));

        Assert.Equal(ErrorKind.InvalidValue, error.Kind);
        Assert.StartsWith("Invalid filter at position 8: expected a quoted value", error.Message);
    }
}
