using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry;

/// <summary>A version's download URI (MLflow's get-download-uri) is its source, for readers only.</summary>
public class DownloadUriTests
{
    [Fact]
    public async Task Download_uri_is_the_versions_source()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(2);
        var reader = await registry.UserAsync(Roles.Reader);

        Assert.Equal($"s3://bucket/{name}/2", await registry.Versions.DownloadUriAsync(reader, name, 2));
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Versions.DownloadUriAsync(owner, name, 3), "Version 3");
        var stranger = await registry.UserAsync();
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Versions.DownloadUriAsync(stranger, name, 1), "does not exist");
    }
}
