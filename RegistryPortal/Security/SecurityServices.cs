namespace RegistryPortal.Security;

public static class SecurityServices
{
    /// <summary>Permissions, accounts, access tokens and the admin operations on them.</summary>
    public static IServiceCollection AddSecurity(this IServiceCollection services)
    {
        services.AddSingleton<ModelPermissionService>();
        services.AddSingleton<AdminStore>();
        services.AddSingleton<UserAdminService>();
        services.AddSingleton<AuditService>();
        services.AddSingleton<AccessTokenService>();
        return services;
    }
}
