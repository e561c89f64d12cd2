using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using RegistryPortal.Data;
using RegistryPortal.Domain;

namespace RegistryPortal.Security;

/// <summary>On start: makes sure every role exists, and that there is an admin to sign in as.</summary>
public static class AdminBootstrapper
{
    /// <returns>The generated password when the admin was just created without a configured one; else null.</returns>
    public static async Task<string?> EnsureRolesAndAdminAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var roleManager = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All)
        {
            if (!await roleManager.RoleExistsAsync(role)) Check(await roleManager.CreateAsync(new IdentityRole(role)), $"create role {role}");
        }

        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var options = scope.ServiceProvider.GetRequiredService<IOptions<AdminOptions>>().Value;
        if ((await users.GetUsersInRoleAsync(Roles.Admin)).Count > 0) return null;

        var admin = await users.FindByEmailAsync(options.Email);
        string? generated = null;
        if (admin is null)
        {
            var password = string.IsNullOrEmpty(options.Password) ? generated = GeneratePassword() : options.Password;
            admin = new ApplicationUser { UserName = options.Email, Email = options.Email, EmailConfirmed = true, DisplayName = "Administrator" };
            Check(await users.CreateAsync(admin, password), $"create the admin account {options.Email}");
        }
        Check(await users.AddToRoleAsync(admin, Roles.Admin), "make the admin an Admin");
        return generated;
    }

    /// <summary>16 random characters that meet Identity's default rules (upper, lower, digit, symbol).</summary>
    public static string GeneratePassword()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        var chars = Enumerable.Range(0, 13).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]);
        return string.Concat(chars) + "-" + RandomNumberGenerator.GetInt32(10) + "aZ";
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException($"Could not {what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
    }
}
