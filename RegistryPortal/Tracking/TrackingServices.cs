namespace RegistryPortal.Tracking;

public static class TrackingServices
{
    /// <summary>Experiments, runs, logged models, their artifacts, and registering versions from them.</summary>
    public static IServiceCollection AddTracking(this IServiceCollection services)
    {
        services.AddSingleton<ExperimentService>();
        services.AddSingleton<RunService>();
        services.AddSingleton<RunSearch>();
        services.AddSingleton<LoggedModelService>();
        services.AddSingleton<ArtifactService>();
        services.AddSingleton<ModelRegistration>();
        services.AddSingleton<RunArtifacts>();
        return services;
    }
}
