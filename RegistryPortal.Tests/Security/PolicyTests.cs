using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Security;

namespace RegistryPortal.Tests.Security;

public class PolicyTests
{
    private static async Task<bool> AllowsAsync(ClaimsPrincipal user)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddAuthorizationBuilder().AddRegistryPolicies();
        await using var provider = services.BuildServiceProvider();
        return (await provider.GetRequiredService<IAuthorizationService>().AuthorizeAsync(user, Policies.Admin)).Succeeded;
    }

    private static ClaimsPrincipal SignedIn(params string[] roles) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "u"), .. roles.Select(r => new Claim(ClaimTypes.Role, r))], "Identity.Application"));

    [Theory]
    [InlineData(true, "Admin")]
    [InlineData(true, "Reader", "Admin")]
    [InlineData(false, "Manager")]
    [InlineData(false, "Reader", "Editor", "StagingManager", "ProductionManager", "Manager")]
    [InlineData(false)]
    public async Task The_Admin_policy_needs_the_Admin_role(bool allowed, params string[] roles) =>
        Assert.Equal(allowed, await AllowsAsync(SignedIn(roles)));

    [Fact]
    public async Task The_Admin_policy_refuses_an_anonymous_visitor_even_with_the_role_claim() =>
        Assert.False(await AllowsAsync(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, "Admin")]))));
}
