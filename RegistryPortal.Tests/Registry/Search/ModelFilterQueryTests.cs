using Microsoft.EntityFrameworkCore;
using RegistryPortal.Data;
using RegistryPortal.Registry.Search;
using RegistryPortal.Search;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry.Search;

/// <summary>Registered-model filters run as SQL against a real SQLite database.</summary>
public class ModelFilterQueryTests
{
    /// <summary>Models and tags chosen so each operator's case and wildcard rules separate them.</summary>
    private static async Task<TestRegistry> RegistryWithModelsAsync()
    {
        var registry = await TestRegistry.CreateAsync();
        var owner = await registry.UserAsync("Editor");
        foreach (var name in new[] { "Fraud-Detector", "fraud-scorer", "churn", "Über-model", "a*b", "axxb", "x[1]", "q?", "qz" })
            await registry.Models.CreateAsync(owner, name);
        await registry.Models.SetTagAsync(owner, "Fraud-Detector", "team", "Risk");
        await registry.Models.SetTagAsync(owner, "fraud-scorer", "team", "risk");
        await registry.Models.SetTagAsync(owner, "churn", "team", "growth");
        await registry.Models.SetTagAsync(owner, "churn", "cost center", "42");
        return registry;
    }

    private static async Task<List<string>> NamesMatchingAsync(TestRegistry registry, string filter)
    {
        var names = await registry.QueryAsync(db => RegistryFilter.ForModels(filter).ApplyTo(db.Models, db).Select(m => m.Name).ToListAsync());
        return names.Order(StringComparer.Ordinal).ToList();
    }

    [Theory]
    [InlineData("name = 'churn'", new[] { "churn" })]
    [InlineData("name = 'CHURN'", new string[0])]
    [InlineData("name != 'churn'", new[] { "Fraud-Detector", "a*b", "axxb", "fraud-scorer", "q?", "qz", "x[1]", "Über-model" })]
    [InlineData("name LIKE 'fraud%'", new[] { "fraud-scorer" })]
    [InlineData("name ILIKE 'fraud%'", new[] { "Fraud-Detector", "fraud-scorer" })]
    [InlineData("name LIKE '%-%'", new[] { "Fraud-Detector", "fraud-scorer", "Über-model" })]
    [InlineData("name LIKE 'chur_'", new[] { "churn" })]
    [InlineData("name LIKE 'chur'", new string[0])]
    [InlineData("name LIKE 'über%'", new string[0])]
    [InlineData("name ILIKE 'über%'", new[] { "Über-model" })]
    [InlineData("name ILIKE 'ÜBER-MODEL'", new[] { "Über-model" })]
    public async Task Name_compares_exactly_with_equals_and_LIKE_and_ignores_case_with_ILIKE(string filter, string[] expected)
    {
        await using var registry = await RegistryWithModelsAsync();
        Assert.Equal(expected, await NamesMatchingAsync(registry, filter));
    }

    [Theory]
    [InlineData("name LIKE 'a*b'", new[] { "a*b" })]
    [InlineData("name LIKE 'a%b'", new[] { "a*b", "axxb" })]
    [InlineData("name LIKE 'x[1]'", new[] { "x[1]" })]
    [InlineData("name LIKE 'q?'", new[] { "q?" })]
    [InlineData("name LIKE 'q_'", new[] { "q?", "qz" })]
    public async Task GLOB_wildcards_in_a_LIKE_pattern_match_only_themselves(string filter, string[] expected)
    {
        await using var registry = await RegistryWithModelsAsync();
        Assert.Equal(expected, await NamesMatchingAsync(registry, filter));
    }

    [Theory]
    [InlineData("tags.team = 'risk'", new[] { "fraud-scorer" })]
    [InlineData("tags.team != 'risk'", new[] { "Fraud-Detector", "churn" })]
    [InlineData("tags.team LIKE 'R%'", new[] { "Fraud-Detector" })]
    [InlineData("tags.team ILIKE 'R%'", new[] { "Fraud-Detector", "fraud-scorer" })]
    [InlineData("tags.TEAM = 'growth'", new string[0])]
    [InlineData("tags.`cost center` = '42'", new[] { "churn" })]
    [InlineData("tags.team ILIKE 'r%' AND name LIKE 'F%'", new[] { "Fraud-Detector" })]
    [InlineData("tags.team = 'growth' AND tags.`cost center` != '42'", new string[0])]
    public async Task Tags_match_models_that_have_the_key_with_a_matching_value(string filter, string[] expected)
    {
        await using var registry = await RegistryWithModelsAsync();
        Assert.Equal(expected, await NamesMatchingAsync(registry, filter));
    }

    [Theory]
    [InlineData("name LIKE 'back\\slash'", new[] { "back\\slash" })]
    [InlineData("name LIKE 'back\\%'", new[] { "back\\slash" })]
    [InlineData("name ILIKE 'BACK\\_LASH'", new[] { "back\\slash" })]
    [InlineData("name LIKE 'back\\_'", new string[0])]
    public async Task A_backslash_in_a_LIKE_pattern_is_no_escape_but_itself(string filter, string[] expected)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var owner = await registry.UserAsync("Editor");
        foreach (var name in new[] { "back\\slash", "backslash", "back%slash" }) await registry.Models.CreateAsync(owner, name);

        Assert.Equal(expected, await NamesMatchingAsync(registry, filter));
    }

    [Fact]
    public async Task Tag_filters_are_EXISTS_subqueries_and_LIKE_is_GLOB_on_SQLite_and_ILIKE_on_PostgreSQL_in_the_SQL()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var sql = await registry.QueryAsync(db => Task.FromResult(
            RegistryFilter.ForModels("tags.team ILIKE 'risk' AND name LIKE 'fraud%'").ApplyTo(db.Models, db).ToQueryString()));

        // Without the parameters' values that ToQueryString lists first (SQLite: ".param set", PostgreSQL: "-- @name=").
        var query = string.Join("\n", sql.Split('\n').Where(line => !line.StartsWith(".param") && !line.StartsWith("-- @")));
        Assert.Contains("EXISTS", query);
        if (TestRegistry.Provider == DatabaseProvider.Sqlite)
        {
            Assert.Contains(" GLOB ", query); // SQLite's LIKE would ignore case
            Assert.Contains(" LIKE ", query);
        }
        else
        {
            Assert.Contains(" ILIKE ", query);
            Assert.Contains(" LIKE ", query);
            Assert.Contains(" ESCAPE ''", query); // no escape character, as in MLflow (PostgreSQL's default is a backslash)
            Assert.DoesNotContain(" GLOB ", query);
        }
        // Values travel as parameters, never spliced into the SQL.
        Assert.DoesNotContain("risk", query);
        Assert.DoesNotContain("fraud", query);
    }

    [Fact]
    public async Task A_version_filter_cannot_be_applied_to_models()
    {
        await using var registry = await TestRegistry.CreateAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => registry.QueryAsync(db =>
            RegistryFilter.ForVersions("name = 'x'").ApplyTo(db.Models, db).ToListAsync()));
    }

    [Fact]
    public void LIKE_patterns_become_GLOB_patterns_with_GLOB_wildcards_bracketed()
    {
        Assert.Equal("a*b?c[*]d[?]e[[]f]\\", FilterExpressions.LikeToGlob("a%b_c*d?e[f]\\"));
    }
}
