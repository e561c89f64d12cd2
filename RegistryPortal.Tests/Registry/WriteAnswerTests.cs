using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry;

/// <summary>
/// A write answers what it did: the view is read inside its own transaction, so 32 clients writing the same model at
/// once each get back their own text, never a neighbour's that committed just after (on SQLite and on PostgreSQL).
/// </summary>
public class WriteAnswerTests
{
    private const int Clients = 32;

    [Fact]
    public async Task Every_concurrent_description_update_of_one_model_answers_its_own_description()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);

        var answers = await Task.WhenAll(Enumerable.Range(0, Clients).Select(i => Task.Run(() =>
            registry.Models.UpdateDescriptionAsync(owner, name, $"written by client {i}"))));

        Assert.Equal(Enumerable.Range(0, Clients).Select(i => $"written by client {i}"), answers.Select(a => a.Description));
        Assert.Contains((await registry.Models.GetAsync(owner, name)).Description, answers.Select(a => a.Description));
    }

    [Fact]
    public async Task Every_concurrent_description_update_of_one_version_answers_its_own_description()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);

        var answers = await Task.WhenAll(Enumerable.Range(0, Clients).Select(i => Task.Run(() =>
            registry.Versions.UpdateDescriptionAsync(owner, name, 1, $"version text {i}"))));

        Assert.Equal(Enumerable.Range(0, Clients).Select(i => $"version text {i}"), answers.Select(a => a.Description));
        Assert.All(answers, a => Assert.Equal((name, 1), (a.ModelName, a.Version)));
    }

    [Fact]
    public async Task Create_and_rename_answer_the_model_as_they_left_it()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var owner = await registry.UserAsync(Roles.Manager);

        var created = await registry.Models.CreateAsync(owner, "scorer", "first", new Dictionary<string, string> { ["team"] = "risk" });
        var renamed = await registry.Models.RenameAsync(owner, "scorer", "scorer-v2");

        Assert.Equal(("scorer", "first", "risk"), (created.Name, created.Description, created.Tags["team"]));
        Assert.Equal(("scorer-v2", "first", "risk"), (renamed.Name, renamed.Description, renamed.Tags["team"]));
        Assert.True(renamed.UpdatedAt >= created.UpdatedAt);
    }
}
