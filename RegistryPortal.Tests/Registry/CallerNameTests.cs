using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Data;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry;

/// <summary>
/// The caller's name comes with their roles at the start of an operation, so an answer that names only the caller
/// (most writes') reads no user; anyone else named is read as before.
/// </summary>
public class CallerNameTests
{
    [Fact]
    public async Task An_operation_names_its_caller_from_the_roles_read_and_reads_other_users()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var caller = await registry.UserAsync(Roles.Reader);
        var other = await registry.UserAsync(Roles.Reader);
        await SetDisplayNameAsync(registry, caller.UserId, "Ada at the start");
        await SetDisplayNameAsync(registry, other.UserId, "Grace");

        var (callerName, otherName) = await registry.Services.GetRequiredService<RegistryStore>().ReadAsync(caller, async op =>
        {
            // Changed after the operation read its caller: the caller's name is the one read then, the other's is read now.
            await SetDisplayNameAsync(registry, caller.UserId, "Ada renamed since");
            await SetDisplayNameAsync(registry, other.UserId, "Grace renamed since");
            var names = await op.Db.UserNamesAsync([caller.UserId, other.UserId], op.Ct);
            return (names(caller.UserId), names(other.UserId));
        });

        Assert.Equal("Ada at the start", callerName);
        Assert.Equal("Grace renamed since", otherName);
    }

    [Fact]
    public async Task A_caller_without_a_display_name_is_named_by_their_user_name()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var caller = await registry.UserAsync(Roles.Reader);
        await SetDisplayNameAsync(registry, caller.UserId, " ");
        string userName;
        await using (var db = await registry.Services.GetRequiredService<IDbContextFactory<RegistryDbContext>>().CreateDbContextAsync())
            userName = (await db.Users.SingleAsync(u => u.Id == caller.UserId)).UserName!;

        var name = await registry.Services.GetRequiredService<RegistryStore>().ReadAsync(caller, async op =>
            (await op.Db.UserNamesAsync([caller.UserId], op.Ct))(caller.UserId));

        Assert.Equal(userName, name);
    }

    private static async Task SetDisplayNameAsync(TestRegistry registry, string userId, string displayName)
    {
        await using var db = await registry.Services.GetRequiredService<IDbContextFactory<RegistryDbContext>>().CreateDbContextAsync();
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(u => u.SetProperty(x => x.DisplayName, displayName));
    }
}
