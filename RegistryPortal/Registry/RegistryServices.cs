using RegistryPortal.Security;
using RegistryPortal.Tracking;

namespace RegistryPortal.Registry;

public static class RegistryServices
{
    /// <summary>The service layer: stateless singletons over the DbContext factory.</summary>
    public static IServiceCollection AddRegistry(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<RegistryChanges>();
        services.AddSingleton<RegistryStore>();
        services.AddSingleton<ModelService>();
        services.AddSingleton<VersionService>();
        services.AddSingleton<StageService>();
        services.AddSingleton<TransitionRequestService>();
        services.AddSingleton<AliasService>();
        services.AddSingleton<ActivityService>();
        services.AddSingleton<ModelPermissionService>();
        services.AddSingleton<AdminStore>();
        services.AddSingleton<UserAdminService>();
        services.AddSingleton<AuditService>();
        services.AddSingleton<AccessTokenService>();
        services.AddSingleton<ModelFileStore>();
        services.AddSingleton<UploadRegistration>();
        services.AddSingleton<RegistrySearchService>();
        services.AddSingleton<ExperimentService>();
        services.AddSingleton<RunService>();
        services.AddSingleton<LoggedModelService>();
        services.AddSingleton<ArtifactStore>();
        services.AddSingleton<ArtifactService>();
        services.AddSingleton<ModelRegistration>();
        services.AddSingleton<RunArtifacts>();
        services.AddSingleton<CrashRecovery>();
        services.AddHostedService<CrashRecoveryService>();
        return services;
    }
}
