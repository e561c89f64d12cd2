using Microsoft.Extensions.Options;
using RegistryPortal.Storage.AzureBlob;
using RegistryPortal.Storage.FileSystem;
using RegistryPortal.Storage.S3;

namespace RegistryPortal.Storage;

public static class StorageServices
{
    /// <summary>
    /// The artifact store Artifacts:Store names (read now: it decides which services there are; a value naming no store
    /// is refused at start by <see cref="ValidateArtifactOptions"/>), and the portal's views of it.
    /// </summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<ArtifactOptions, ValidateArtifactOptions>(ArtifactOptions.Section);
        services.AddSingleton(sp => FileSizeLimit.From(sp.GetRequiredService<IOptions<ArtifactOptions>>().Value));
        switch (ArtifactOptions.KindOf(configuration[$"{ArtifactOptions.Section}:{nameof(ArtifactOptions.Store)}"]) ?? ArtifactStoreKind.FileSystem)
        {
            case ArtifactStoreKind.FileSystem:
                services.AddSingleton(sp => new FileSystemArtifactStore(
                    sp.GetRequiredService<IOptions<ArtifactOptions>>().Value.FullRoot, sp.GetRequiredService<FileSizeLimit>()));
                services.AddSingleton<IArtifactStore>(sp => sp.GetRequiredService<FileSystemArtifactStore>());
                break;
            case ArtifactStoreKind.AzureBlob:
                services.AddAzureBlobStore();
                break;
            case ArtifactStoreKind.S3:
                services.AddS3Store();
                break;
        }
        services.AddSingleton<ArtifactStore>();
        services.AddSingleton<ModelFileStore>();
        services.AddSingleton<LeftoverFiles>();
        return services;
    }
}
