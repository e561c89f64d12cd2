using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry;

/// <summary>The latest READY version in each stage (MLflow's get-latest-versions).</summary>
public class LatestVersionsTests
{
    [Fact]
    public async Task Latest_versions_are_the_highest_READY_version_in_each_stage_asked_for_in_that_order()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.Production, Stage.Staging, Stage.Production, Stage.Archived, Stage.None);
        await registry.RegisterAsync(owner, name, pending: true); // 6: pending, in None

        var asked = await registry.Versions.LatestAsync(owner, name, ["production", "STAGING", "Production"]);
        var all = await registry.Versions.LatestAsync(owner, name);

        Assert.Equal([(Stage.Production, 3), (Stage.Staging, 2)], asked.Select(v => (v.Stage, v.Version)));
        Assert.Equal([(Stage.None, 5), (Stage.Staging, 2), (Stage.Production, 3), (Stage.Archived, 4)], all.Select(v => (v.Stage, v.Version)));
    }

    [Fact]
    public async Task Latest_versions_of_a_stage_with_none_is_empty()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        Assert.Empty(await registry.Versions.LatestAsync(owner, name, ["Production"]));
    }

    [Fact]
    public async Task Latest_versions_refuse_an_unknown_stage()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Versions.LatestAsync(owner, name, ["Prod"]), "'Prod' is not a stage");
    }

    [Fact]
    public async Task Latest_versions_of_a_model_the_caller_may_not_read_is_not_found()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(1);
        var stranger = await registry.UserAsync();
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Versions.LatestAsync(stranger, name), "does not exist");
    }
}
