using RegistryPortal.Storage;
using RegistryPortal.Storage.S3;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Storage.Stores;

/// <summary>A 2 GiB file through the S3 store in bounded memory: parts of 8 MB, at most two held at once.</summary>
[Collection(nameof(LargeFiles))]
public sealed class S3LargeFileTests : LargeFileContract
{
    protected override async Task<IArtifactStore> NewStoreAsync()
    {
        var server = await S3Server.SharedAsync();
        return S3ArtifactStore.Create(server.Options(await server.CreateBucketAsync()), new FileSizeLimit(null));
    }
}
