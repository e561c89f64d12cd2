using Microsoft.Extensions.Options;
using RegistryPortal.Storage.FileSystem;

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
            // ===== INTEGRATOR: the object stores are wired here, and only here =====
            // case ArtifactStoreKind.AzureBlob: services.AddAzureBlobStore(); break;
            // case ArtifactStoreKind.S3: services.AddS3Store(); break;
            case var kind:
                services.AddSingleton<IArtifactStore>(_ => throw new InvalidOperationException(
                    $"Artifacts:Store is {kind}, which is not built yet: use {ArtifactStoreKind.FileSystem}."));
                break;
        }
        services.AddSingleton<ArtifactStore>();
        services.AddSingleton<ModelFileStore>();
        services.AddSingleton<LeftoverFiles>();
        return services;
    }
}
