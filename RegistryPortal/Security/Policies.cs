using Microsoft.AspNetCore.Authorization;
using RegistryPortal.Domain;

namespace RegistryPortal.Security;

/// <summary>
/// Authorization policies for pages. They only decide what a page shows; the services check again on
/// every call (roles read from the database), whatever the caller.
/// </summary>
public static class Policies
{
    /// <summary>The Admin area: users, roles, audit log.</summary>
    public const string Admin = "Admin";

    public static AuthorizationBuilder AddRegistryPolicies(this AuthorizationBuilder builder) =>
        builder.AddPolicy(Admin, policy => policy.RequireAuthenticatedUser().RequireRole(Roles.Admin));
}
