using Microsoft.Extensions.Options;

namespace RegistryPortal.Storage.AzureBlob;

public static class AzureBlobServices
{
    /// <summary>
    /// The Azure Blob store as the portal's <see cref="IArtifactStore"/>, with its settings (Artifacts:AzureBlob) checked at
    /// start; for Artifacts:Store = AzureBlob. The <see cref="FileSizeLimit"/> comes from AddStorage.
    /// </summary>
    public static IServiceCollection AddAzureBlobStore(this IServiceCollection services)
    {
        services.AddSettings<AzureBlobOptions, ValidateAzureBlobOptions>(AzureBlobOptions.Section);
        services.AddSingleton<IArtifactStore>(sp => AzureBlobArtifactStore.Create(
            sp.GetRequiredService<IOptions<AzureBlobOptions>>().Value, sp.GetRequiredService<FileSizeLimit>()));
        return services;
    }
}
