using RegistryPortal.Domain;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry;

public class SmokeTests
{
    [Fact]
    public async Task Registering_three_versions_numbers_them_one_to_three()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(3);
        var page = await registry.Versions.ListAsync(owner, name);
        Assert.Equal([3, 2, 1], page.Items.Select(v => v.Version));
        Assert.All(page.Items, v => Assert.Equal(Stage.None, v.Stage));
    }
}
