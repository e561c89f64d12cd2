using Microsoft.AspNetCore.Authentication;

namespace RegistryPortal.Api;

/// <summary>
/// The MLflow-compatible HTTP API, served under /api/2.0/mlflow/ and (as MLflow's own UI calls it)
/// /ajax-api/2.0/mlflow/. Every call needs a user of the API's own scheme (Basic or Bearer, see
/// <see cref="ApiAuthenticationHandler"/>); the portal's cookie is not accepted here.
/// </summary>
public static class MlflowApi
{
    public static readonly IReadOnlyList<string> Prefixes = ["/api/2.0/mlflow", "/ajax-api/2.0/mlflow"];

    public const string PolicyName = "MlflowApi";

    public static IServiceCollection AddMlflowApi(this IServiceCollection services)
    {
        services.AddSingleton<IApiTokenAuthenticator, AccessTokenAuthenticator>();
        services.AddSettings<ApiOptions, ValidateApiOptions>(ApiOptions.Section);
        services.AddSingleton<BasicCredentialCache>();
        services.AddSingleton<FailedSignInLimiter>();
        services.AddTransient<IStartupFilter, ArtifactEndpoints.PathGuardFirst>();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiAuthenticationHandler>(ApiAuthenticationHandler.SchemeName, configureOptions: null);
        // Naming the scheme makes authorization authenticate with it alone and replace the cookie's user.
        services.AddAuthorizationBuilder().AddPolicy(PolicyName, policy => policy
            .AddAuthenticationSchemes(ApiAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser());
        return services;
    }

    public static IEndpointRouteBuilder MapMlflowApi(this IEndpointRouteBuilder endpoints)
    {
        foreach (var prefix in Prefixes)
        {
            var api = endpoints.MapGroup(prefix).RequireAuthorization(PolicyName);
            api.MapRegistryEndpoints();
            api.MapTransitionRequestEndpoints();
            api.MapWebhookEndpoints();
            api.MapTrackingEndpoints();
            api.MapLoggedModelEndpoints();
            api.Map("{**path}", UnknownEndpoint);
        }
        endpoints.MapArtifactEndpoints();
        endpoints.MapPortalEndpoints();
        return endpoints;
    }

    /// <summary>Any other path or method under the prefix: MLflow's answer for an unknown endpoint.</summary>
    private static IResult UnknownEndpoint(HttpContext http) => ApiResults.Error(ApiErrorCode.EndpointNotFound,
        $"No API endpoint found for {http.Request.Method} {http.Request.PathBase}{http.Request.Path}");
}
