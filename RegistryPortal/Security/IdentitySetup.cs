using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using RegistryPortal.Components.Account;
using RegistryPortal.Data;

namespace RegistryPortal.Security;

public static class IdentitySetup
{
    /// <summary>Cookie sign-in with ASP.NET Core Identity; every endpoint needs a signed-in user unless it says otherwise.</summary>
    public static IServiceCollection AddRegistryIdentity(this IServiceCollection services)
    {
        services.AddSettings<AccountOptions>(AccountOptions.Section);
        services.AddSettings<AdminOptions, ValidateAdminOptions>(AdminOptions.Section);

        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.LoginPath = "/Account/Login";
            cookie.AccessDeniedPath = "/Account/AccessDenied";
        });
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddRegistryPolicies();
        // The sign-in cookie is checked against the account's security stamp at most this long after the
        // last check (Identity's default is 30 minutes): a role change or lock ends old cookies as quickly
        // as the revalidating authentication state ends open circuits.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = RevalidationInterval);

        services.AddIdentityCore<ApplicationUser>(ConfigureIdentity)
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<RegistryDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        return services;
    }

    /// <summary>How often open sessions and sign-in cookies are checked against the account's security stamp.</summary>
    public static readonly TimeSpan RevalidationInterval = TimeSpan.FromSeconds(30);

    /// <summary>Identity's rules for accounts, shared with the tests' registry.</summary>
    public static void ConfigureIdentity(IdentityOptions options)
    {
        options.SignIn.RequireConfirmedAccount = false;
        options.User.RequireUniqueEmail = true;
        // Lockout after repeated failed sign-ins; new accounts can be locked out too.
        options.Lockout.AllowedForNewUsers = true;
        options.Lockout.MaxFailedAccessAttempts = 5;
        options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
    }
}
