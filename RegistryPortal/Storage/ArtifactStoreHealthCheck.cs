using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RegistryPortal.Storage;

/// <summary>Part of /health/ready: the artifact store answers (<see cref="IArtifactStore.CheckAsync"/>), or its message says what to fix.</summary>
public sealed class ArtifactStoreHealthCheck(IArtifactStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.CheckAsync(cancellationToken);
            return HealthCheckResult.Healthy($"The {store.Kind} artifact store answers.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy(e.Message, e);
        }
    }
}
