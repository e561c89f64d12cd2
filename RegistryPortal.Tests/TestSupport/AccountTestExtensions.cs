using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Data;
using RegistryPortal.Domain;
using RegistryPortal.Security;

namespace RegistryPortal.Tests.TestSupport;

/// <summary>Reading accounts beneath the services, for assertions about what admin operations left behind.</summary>
public static class AccountTestExtensions
{
    /// <summary>The admin every registry starts with (created by AdminBootstrapper, as on the app's first start).</summary>
    public static async Task<Actor> FirstAdminAsync(this TestRegistry registry)
    {
        await using var scope = registry.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return new Actor(Assert.Single(await users.GetUsersInRoleAsync(Roles.Admin)).Id);
    }

    /// <summary>The stored account, or null when it was deleted.</summary>
    public static Task<ApplicationUser?> AccountAsync(this TestRegistry registry, string userId) =>
        registry.QueryAsync(db => db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId));

    public static async Task<string> SecurityStampAsync(this TestRegistry registry, string userId) =>
        (await registry.AccountAsync(userId))!.SecurityStamp!;

    public static Task<string> SecurityStampAsync(this TestRegistry registry, Actor actor) => registry.SecurityStampAsync(actor.UserId);

    /// <summary>Whether <paramref name="password"/> signs this account in, as the login page checks it.</summary>
    public static async Task<bool> PasswordWorksAsync(this TestRegistry registry, string userId, string password)
    {
        await using var scope = registry.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(userId) ?? throw new InvalidOperationException("no such user");
        return await users.CheckPasswordAsync(user, password);
    }

    public static async Task<string[]> RolesOfAsync(this TestRegistry registry, string userId)
    {
        await using var scope = registry.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(userId) ?? throw new InvalidOperationException("no such user");
        return [.. (await users.GetRolesAsync(user)).Order()];
    }

    /// <summary>Every stored event of the admin actions' kinds, oldest first.</summary>
    public static Task<List<ActivityEvent>> AdminEventsAsync(this TestRegistry registry) =>
        registry.QueryAsync(db => db.Activity.Where(e => e.ModelId == null).OrderBy(e => e.Id).ToListAsync());

    public static Task<int> EventCountAsync(this TestRegistry registry) => registry.QueryAsync(db => db.Activity.CountAsync());
}
