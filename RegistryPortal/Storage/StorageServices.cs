using Microsoft.Extensions.Options;

namespace RegistryPortal.Storage;

public static class StorageServices
{
    /// <summary>The file stores over the one root that Artifacts:* names.</summary>
    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        services.AddSettings<ArtifactOptions, ValidateArtifactOptions>(ArtifactOptions.Section);
        services.AddSingleton(sp => StorageLayout.From(sp.GetRequiredService<IOptions<ArtifactOptions>>().Value));
        services.AddSingleton(sp => FileSizeLimit.From(sp.GetRequiredService<IOptions<ArtifactOptions>>().Value));
        services.AddSingleton<ArtifactStore>();
        services.AddSingleton<ModelFileStore>();
        services.AddSingleton<LeftoverFiles>();
        return services;
    }
}
