using RegistryPortal.Storage;
using RegistryPortal.Storage.S3;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Storage.Stores;

/// <summary>The artifact-store contract against the S3 store, each test in a fresh bucket of the shared s3rver.</summary>
public sealed class S3ArtifactStoreTests : ArtifactStoreContract
{
    protected override async Task<IArtifactStore> NewStoreAsync(long? maxFileBytes = null)
    {
        var server = await S3Server.SharedAsync();
        return S3ArtifactStore.Create(server.Options(await server.CreateBucketAsync()), new FileSizeLimit(maxFileBytes));
    }
}
