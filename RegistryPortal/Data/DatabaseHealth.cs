using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace RegistryPortal.Data;

/// <summary>
/// Health endpoints for load balancers and orchestrators, anonymous, 200 when healthy and 503 when not:
/// <c>/health/live</c> answers while the process serves requests; <c>/health/ready</c> also needs the
/// database to answer with every migration applied, and the artifact store to answer.
/// </summary>
public static class DatabaseHealth
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    private const string ReadyTag = "ready";

    public static IServiceCollection AddRegistryHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks().AddDbContextCheck<RegistryDbContext>("database", tags: [ReadyTag],
            customTestQuery: DatabaseSetup.IsReadyAsync)
            .AddCheck<Storage.ArtifactStoreHealthCheck>("artifacts", tags: [ReadyTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapRegistryHealthChecks(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        endpoints.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) }).AllowAnonymous();
        return endpoints;
    }
}
