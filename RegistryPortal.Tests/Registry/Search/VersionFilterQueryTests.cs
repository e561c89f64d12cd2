using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Registry.Search;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry.Search;

/// <summary>Model-version filters run as SQL against a real SQLite database.</summary>
public class VersionFilterQueryTests
{
    /// <summary>fraud 1–3 and churn 1–2, with run ids, sources and version tags that tell them apart.</summary>
    private static async Task<TestRegistry> RegistryWithVersionsAsync()
    {
        var registry = await TestRegistry.CreateAsync();
        var owner = await registry.UserAsync(Roles.Editor);
        await registry.Models.CreateAsync(owner, "fraud");
        await registry.Models.CreateAsync(owner, "churn");
        await Register("fraud", "s3://bucket/Fraud/1", "run-a", ("candidate", "yes"));
        await Register("fraud", "s3://bucket/fraud/2", "run-b", ("candidate", "no"));
        await Register("fraud", "runs:/run-c/model", "run-c");
        await Register("churn", "s3://bucket/churn/1", "run-a", ("validated by", "ana"));
        await Register("churn", "s3://bucket/churn/2", "");
        // A model tag with a version tag's key: a version filter must not see it.
        await registry.Models.SetTagAsync(owner, "churn", "candidate", "yes");
        return registry;

        Task Register(string model, string source, string runId, params (string Key, string Value)[] tags) =>
            registry.Versions.RegisterAsync(owner, new NewVersion(model, source, runId, Tags: tags.ToDictionary(t => t.Key, t => t.Value)));
    }

    private static async Task<List<string>> VersionsMatchingAsync(TestRegistry registry, string filter)
    {
        var versions = await registry.QueryAsync(db => RegistryFilter.ForVersions(filter).ApplyTo(db.Versions, db)
            .Select(v => v.Model!.Name + "/" + v.Number).ToListAsync());
        return versions.Order(StringComparer.Ordinal).ToList();
    }

    [Theory]
    [InlineData("version_number = 2", new[] { "churn/2", "fraud/2" })]
    [InlineData("version_number != 2", new[] { "churn/1", "fraud/1", "fraud/3" })]
    [InlineData("version_number < 2", new[] { "churn/1", "fraud/1" })]
    [InlineData("version_number <= 2", new[] { "churn/1", "churn/2", "fraud/1", "fraud/2" })]
    [InlineData("version_number > 2", new[] { "fraud/3" })]
    [InlineData("version_number >= 2", new[] { "churn/2", "fraud/2", "fraud/3" })]
    [InlineData("version_number = '3'", new[] { "fraud/3" })]
    public async Task Version_number_compares_as_a_number(string filter, string[] expected)
    {
        await using var registry = await RegistryWithVersionsAsync();
        Assert.Equal(expected, await VersionsMatchingAsync(registry, filter));
    }

    [Theory]
    [InlineData("run_id = 'run-a'", new[] { "churn/1", "fraud/1" })]
    [InlineData("run_id != 'run-a'", new[] { "churn/2", "fraud/2", "fraud/3" })]
    [InlineData("run_id IN ('run-b', 'run-c', 'run-z')", new[] { "fraud/2", "fraud/3" })]
    [InlineData("run_id IN ('RUN-B')", new string[0])]
    [InlineData("run_id LIKE 'run-_'", new[] { "churn/1", "fraud/1", "fraud/2", "fraud/3" })]
    [InlineData("source_path = 's3://bucket/churn/1'", new[] { "churn/1" })]
    [InlineData("source_path != 's3://bucket/churn/1'", new[] { "churn/2", "fraud/1", "fraud/2", "fraud/3" })]
    [InlineData("source_path LIKE 's3://bucket/fraud/%'", new[] { "fraud/2" })]
    [InlineData("source_path ILIKE 's3://bucket/fraud/%'", new[] { "fraud/1", "fraud/2" })]
    [InlineData("name = 'fraud' AND version_number > 1", new[] { "fraud/2", "fraud/3" })]
    [InlineData("name = 'FRAUD'", new string[0])]
    [InlineData("name ILIKE 'FRAUD'", new[] { "fraud/1", "fraud/2", "fraud/3" })]
    [InlineData("name LIKE 'ch%' AND run_id = ''", new[] { "churn/2" })]
    public async Task Run_id_source_path_and_model_name_compare_as_text(string filter, string[] expected)
    {
        await using var registry = await RegistryWithVersionsAsync();
        Assert.Equal(expected, await VersionsMatchingAsync(registry, filter));
    }

    [Theory]
    [InlineData("tags.candidate = 'yes'", new[] { "fraud/1" })]
    [InlineData("tags.candidate != 'yes'", new[] { "fraud/2" })]
    [InlineData("tags.candidate LIKE 'Y%'", new string[0])]
    [InlineData("tags.candidate ILIKE 'Y%'", new[] { "fraud/1" })]
    [InlineData("tags.`validated by` = 'ana'", new[] { "churn/1" })]
    [InlineData("tags.candidate = 'no' AND name = 'fraud' AND run_id IN ('run-b')", new[] { "fraud/2" })]
    public async Task Tags_match_versions_by_their_own_tags(string filter, string[] expected)
    {
        await using var registry = await RegistryWithVersionsAsync();
        Assert.Equal(expected, await VersionsMatchingAsync(registry, filter));
    }

    [Fact]
    public async Task A_model_filter_cannot_be_applied_to_versions()
    {
        await using var registry = await TestRegistry.CreateAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => registry.QueryAsync(db =>
            RegistryFilter.ForModels("name = 'x'").ApplyTo(db.Versions, db).ToListAsync()));
    }
}
