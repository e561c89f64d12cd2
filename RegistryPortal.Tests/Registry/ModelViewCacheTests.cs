using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry;

/// <summary>
/// Reads build models' views from a cache kept under each model's content stamp: it must spare the reads, and never
/// show a view older than the database, whichever instance made the change.
/// </summary>
public class ModelViewCacheTests
{
    [Fact]
    public async Task A_repeated_search_answers_from_the_cache_until_the_models_content_stamp_changes()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        await registry.Versions.SetTagAsync(owner, name, 1, "team", "risk");
        Assert.Equal("risk", (await LatestOfAsync(registry, owner, name))[0].Tags["team"]);

        // Beneath the services, which renew the stamp at every change: a read of the rows would see this.
        await registry.QueryAsync(db => db.VersionTags.Where(t => t.Key == "team").ExecuteUpdateAsync(set => set.SetProperty(t => t.Value, "hidden")));
        Assert.Equal("risk", (await LatestOfAsync(registry, owner, name))[0].Tags["team"]);

        await registry.QueryAsync(db => db.Models.ExecuteUpdateAsync(set => set.SetProperty(m => m.ContentStamp, Guid.NewGuid())));
        Assert.Equal("hidden", (await LatestOfAsync(registry, owner, name))[0].Tags["team"]);
    }

    [Fact]
    public async Task A_search_shows_every_change_another_instance_committed_since_the_last_search()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(3);
        await using var other = registry.OtherInstance();
        var (versions, stages, aliases, models) = (other.GetRequiredService<VersionService>(), other.GetRequiredService<StageService>(),
            other.GetRequiredService<AliasService>(), other.GetRequiredService<ModelService>());
        Assert.Equal([(Stage.None, 3)], Latest(await LatestOfAsync(registry, owner, name)));

        await stages.TransitionAsync(owner, name, 2, "Staging");
        Assert.Equal([(Stage.None, 3), (Stage.Staging, 2)], Latest(await LatestOfAsync(registry, owner, name)));

        await versions.SetTagAsync(owner, name, 2, "checked", "yes");
        Assert.Equal("yes", (await LatestOfAsync(registry, owner, name))[1].Tags["checked"]);

        await versions.UpdateDescriptionAsync(owner, name, 2, "calibrated");
        Assert.Equal("calibrated", (await LatestOfAsync(registry, owner, name))[1].Description);

        await aliases.SetAsync(owner, name, "champion", 2);
        var model = await ModelAsync(registry, owner, name);
        Assert.Equal([new AliasView("champion", 2)], model.Aliases);
        Assert.Equal(["champion"], model.LatestVersions[1].Aliases);

        await aliases.DeleteAsync(owner, name, "champion");
        Assert.Empty((await LatestOfAsync(registry, owner, name))[1].Aliases);

        await models.SetTagAsync(owner, name, "domain", "credit");
        Assert.Equal("credit", (await ModelAsync(registry, owner, name)).Tags["domain"]);

        await versions.DeleteAsync(owner, name, 3);
        Assert.Equal([(Stage.None, 1), (Stage.Staging, 2)], Latest(await LatestOfAsync(registry, owner, name)));

        await stages.TransitionAsync(owner, name, 2, "Archived"); // a model with live versions keeps its name
        Assert.Equal([(Stage.None, 1), (Stage.Archived, 2)], Latest(await LatestOfAsync(registry, owner, name)));

        await models.RenameAsync(owner, name, name + "-renamed");
        var renamed = await ModelAsync(registry, owner, name + "-renamed");
        Assert.All(renamed.LatestVersions, v => Assert.Equal(name + "-renamed", v.ModelName));
        // The get of one model reads the same cache.
        Assert.Equal(renamed.LatestVersions.Select(v => v.ModelName),
            (await registry.Models.GetRegisteredModelAsync(owner, name + "-renamed")).LatestVersions.Select(v => v.ModelName));
    }

    [Fact]
    public async Task A_cached_view_names_the_creators_as_they_are_called_now()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        await ModelAsync(registry, owner, name);

        await registry.UserAdmin.SetDisplayNameAsync(await registry.AdminAsync(), owner.UserId, "Ada Renamed");

        var model = await ModelAsync(registry, owner, name);
        Assert.Equal("Ada Renamed", model.CreatedBy);
        Assert.Equal("Ada Renamed", model.LatestVersions[0].CreatedBy);
    }

    [Fact]
    public async Task A_model_made_after_another_was_deleted_never_shows_the_deleted_ones_versions()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(2);
        await registry.Stages.TransitionAsync(owner, name, 2, "Archived");
        Assert.Equal(2, (await ModelAsync(registry, owner, name)).LatestVersions.Count);

        await registry.Models.DeleteAsync(owner, name);
        // A new model of the same name: the cache goes by id, and ids are never reused (AUTOINCREMENT, identity).
        await registry.Models.CreateAsync(owner, name);

        Assert.Empty((await ModelAsync(registry, owner, name)).LatestVersions);
    }

    [Fact]
    public async Task A_change_of_a_version_renews_its_models_content_stamp_but_not_its_concurrency_stamp()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        var before = await StampsAsync(registry, name);

        await registry.Versions.SetTagAsync(owner, name, 1, "checked", "yes");
        var afterTag = await StampsAsync(registry, name);
        await registry.Models.UpdateDescriptionAsync(owner, name, "a new description");
        var afterEdit = await StampsAsync(registry, name);

        Assert.NotEqual(before.Content, afterTag.Content);
        Assert.Equal(before.Concurrency, afterTag.Concurrency);
        Assert.NotEqual(afterTag.Content, afterEdit.Content);
        Assert.NotEqual(afterTag.Concurrency, afterEdit.Concurrency);
    }

    [Fact]
    public async Task A_save_of_rows_of_a_model_it_never_loaded_renews_that_models_content_stamp()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(1);
        var version = await registry.QueryAsync(db => db.Versions.Where(v => v.Model!.Name == name).Select(v => new { v.ModelId, v.Id }).SingleAsync());
        var (modelId, versionId) = (version.ModelId, version.Id);
        var first = await StampsAsync(registry, name);

        await registry.QueryAsync(db => { db.VersionTags.Add(new VersionTag { VersionId = versionId, Key = "k", Value = "v" }); return db.SaveChangesAsync(); });
        var afterVersionTag = await StampsAsync(registry, name);
        await registry.QueryAsync(db => { db.ModelTags.Add(new ModelTag { ModelId = modelId, Key = "k", Value = "v" }); return db.SaveChangesAsync(); });
        var afterModelTag = await StampsAsync(registry, name);

        Assert.Equal(3, new[] { first.Content, afterVersionTag.Content, afterModelTag.Content }.Distinct().Count());
        Assert.Equal(first.Concurrency, afterModelTag.Concurrency);
    }

    private static async Task<RegisteredModelView> ModelAsync(TestRegistry registry, Actor owner, string name) =>
        Assert.Single((await registry.Search.SearchModelsAsync(owner, new SearchQuery($"name = '{name}'"))).Items);

    private static async Task<IReadOnlyList<VersionView>> LatestOfAsync(TestRegistry registry, Actor owner, string name) =>
        (await ModelAsync(registry, owner, name)).LatestVersions;

    private static IEnumerable<(Stage, int)> Latest(IEnumerable<VersionView> versions) => versions.Select(v => (v.Stage, v.Version));

    private static async Task<(Guid Content, Guid Concurrency)> StampsAsync(TestRegistry registry, string name)
    {
        var model = await registry.QueryAsync(db => db.Models.Where(m => m.Name == name).Select(m => new { m.ContentStamp, m.ConcurrencyStamp }).SingleAsync());
        return (model.ContentStamp, model.ConcurrencyStamp);
    }
}
