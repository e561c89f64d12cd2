using Azure.Storage.Blobs;
using RegistryPortal.Storage;
using RegistryPortal.Storage.AzureBlob;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Storage.Stores;

/// <summary>
/// The artifact-store contract against Azurite: each test a fresh container, the store under a two-level prefix (what only
/// this store promises is in AzureBlobArtifactStoreTests.AzureOnly.cs).
/// </summary>
public sealed partial class AzureBlobArtifactStoreTests : ArtifactStoreContract
{
    protected override async Task<IArtifactStore> NewStoreAsync(long? maxFileBytes = null) =>
        (await AzureBlobStores.NewAsync(maxFileBytes: maxFileBytes)).Store;
}

[Collection(nameof(LargeFiles))]
public sealed class AzureBlobLargeFileTests : LargeFileContract
{
    protected override async Task<IArtifactStore> NewStoreAsync() => (await AzureBlobStores.NewAsync()).Store;
}

/// <summary>Stores over Azurite for the Azure Blob tests.</summary>
internal static class AzureBlobStores
{
    public const string Prefix = "portal/artifacts";

    /// <summary>A store in a new container (or in <paramref name="container"/>), with what the test changes in its settings and client.</summary>
    public static async Task<(AzureBlobArtifactStore Store, string Container, Azurite Azurite)> NewAsync(
        string? container = null, string? prefix = Prefix, long? maxFileBytes = null, Action<AzureBlobOptions>? settings = null,
        BlobClientOptions? client = null)
    {
        var azurite = await Azurite.SharedAsync();
        container ??= await azurite.CreateContainerAsync();
        var options = Options(azurite, container, prefix);
        settings?.Invoke(options);
        return (AzureBlobArtifactStore.Create(options, new FileSizeLimit(maxFileBytes), client ?? new BlobClientOptions()), container, azurite);
    }

    public static AzureBlobOptions Options(Azurite azurite, string container, string? prefix = Prefix) =>
        new() { ConnectionString = azurite.ConnectionString, Container = container, Prefix = prefix };
}
