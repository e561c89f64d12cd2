using System.Net;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using RegistryPortal.Backup;
using RegistryPortal.Domain;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Backup;

/// <summary>The keys that sign cookies are in the database, so a backup of a running portal carries its users' sign-ins.</summary>
public sealed class SignInAcrossRestoreTests
{
    [Fact]
    public async Task A_browser_signed_in_before_the_backup_is_still_signed_in_on_the_restored_portal_and_on_no_other()
    {
        await using var live = new PortalHost();
        var (_, email, password) = await live.UserAsync(Roles.Reader);
        var cookies = new CookieContainer();
        Assert.Equal(HttpStatusCode.Redirect, (await live.CreateDefaultClient(new CookieContainerHandler(cookies)).SignInAsync(email, password)).StatusCode);

        var scratch = TestRegistry.NewFolder();
        try
        {
            var backupFolder = Path.Combine(scratch, "backup");
            await new RegistryBackup(TestRegistry.LocationsIn(live.DataFolder), TimeProvider.System).BackUpAsync(backupFolder);
            var target = Path.Combine(scratch, "restored");
            await new RegistryBackup(TestRegistry.LocationsIn(target), TimeProvider.System).RestoreAsync(backupFolder);
            await using var restored = new PortalHost { DataFolder = target };
            await using var other = new PortalHost();

            var onRestored = await restored.CreateDefaultClient(new CookieContainerHandler(cookies)).GetAsync("/models");
            var onOther = await other.CreateDefaultClient(new CookieContainerHandler(cookies)).GetAsync("/models");

            Assert.Equal(HttpStatusCode.OK, onRestored.StatusCode);
            Assert.Equal(HttpStatusCode.Redirect, onOther.StatusCode); // a portal with keys of its own sends the cookie to sign in
            Assert.Contains("/Account/Login", onOther.Headers.Location!.ToString());
        }
        finally
        {
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        }
    }
}
