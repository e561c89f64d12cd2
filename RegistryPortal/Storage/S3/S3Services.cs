using Microsoft.Extensions.Options;

namespace RegistryPortal.Storage.S3;

public static class S3Services
{
    /// <summary>
    /// The S3 store as the one <see cref="IArtifactStore"/>, with Artifacts:S3 bound and checked at start. Needs
    /// <see cref="FileSizeLimit"/> registered (AddStorage does).
    /// </summary>
    public static IServiceCollection AddS3Store(this IServiceCollection services)
    {
        services.AddSettings<S3Options, ValidateS3Options>(S3Options.Section);
        services.AddSingleton<IArtifactStore>(sp =>
            S3ArtifactStore.Create(sp.GetRequiredService<IOptions<S3Options>>().Value, sp.GetRequiredService<FileSizeLimit>()));
        return services;
    }
}
