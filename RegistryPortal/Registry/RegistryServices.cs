using RegistryPortal.Security;
using RegistryPortal.Storage;
using RegistryPortal.Tracking;
using RegistryPortal.Webhooks;

namespace RegistryPortal.Registry;

public static class RegistryServices
{
    /// <summary>
    /// The service layer: stateless singletons over the DbContext factory. The registry's own, then those of
    /// the folders beside it (<see cref="SecurityServices"/>, <see cref="TrackingServices"/>, <see cref="StorageServices"/>), which it uses.
    /// </summary>
    public static IServiceCollection AddRegistry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<RegistryOptions, ValidateRegistryOptions>(RegistryOptions.Section);
        services.AddSettings<DemoOptions>(DemoOptions.Section);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<RegistryChanges>();
        services.AddSingleton<RegistryStore>();
        services.AddSingleton<RegistryCopies>();
        services.AddSingleton<ModelService>();
        services.AddSingleton<VersionService>();
        services.AddSingleton<StageService>();
        services.AddSingleton<TransitionRequestService>();
        services.AddSingleton<RequestInboxService>();
        services.AddSingleton<RegistrySettingsService>();
        services.AddSingleton<AliasService>();
        services.AddSingleton<ActivityService>();
        services.AddSingleton<History.StageHistoryService>();
        services.AddSingleton<UploadRegistration>();
        services.AddSingleton<RegistrySearchService>();
        services.AddSingleton<ModelCard.VersionFiles>();
        services.AddSingleton<ModelCard.ModelCardService>();
        services.AddSingleton<CrashRecovery>();
        services.AddHostedService<CrashRecoveryService>();
        return services.AddSecurity().AddTracking().AddStorage(configuration).AddWebhooks();
    }
}
