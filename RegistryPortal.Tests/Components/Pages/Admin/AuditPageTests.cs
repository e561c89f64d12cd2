using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Components.Pages.Admin;
using RegistryPortal.Domain;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Components.Pages.Admin;

public class AuditPageTests : PageTestContext
{
    private static string[] Rows(IRenderedComponent<AuditPage> page) =>
        [.. page.FindAll("tbody tr").Where(tr => tr.QuerySelector("td[data-kind]") is not null)
            .Select(tr => $"{tr.QuerySelector("td[data-kind]")!.TextContent.Trim()}: {tr.Children[5].TextContent.Trim()}")];

    private async Task<(Actor Admin, string Sam, string Model)> ArrangeAsync()
    {
        var admin = await Registry.FirstAdminAsync();
        var sam = (await Registry.UserAdmin.CreateAsync(admin, new NewUser("sam@test.local", "Sam", [Roles.Reader]))).User.Id;
        var kim = (await Registry.UserAdmin.CreateAsync(admin, new NewUser("kim@test.local", "Kim", []))).User.Id;
        await Registry.UserAdmin.LockAsync(admin, sam);
        var (model, owner) = await Registry.ModelWithVersionsAsync(0, "audited-model");
        await Registry.Permissions.GrantAsync(owner, model, kim, PermissionLevel.Edit);
        return (admin, sam, model);
    }

    [Fact]
    public async Task The_log_lists_admin_actions_and_grant_changes_newest_first()
    {
        var (admin, _, _) = await ArrangeAsync();
        SignIn(admin);

        var page = RenderPage<AuditPage>();

        page.WaitForAssertion(() => Assert.Equal(
            ["Model grant set: kim@test.local: Edit", "Account locked: sam@test.local", "User created: kim@test.local with no role",
             "User created: sam@test.local with Read"], Rows(page)));
        Assert.Contains("audited-model", page.Find("tbody tr").TextContent);
    }

    [Fact]
    public async Task The_filters_in_the_address_narrow_the_log()
    {
        var (admin, sam, _) = await ArrangeAsync();
        SignIn(admin);

        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("admin/audit?action=UserLocked");
        var byAction = RenderPage<AuditPage>();
        byAction.WaitForAssertion(() => Assert.Equal(["Account locked: sam@test.local"], Rows(byAction)));

        navigation.NavigateTo($"admin/audit?user={sam}");
        var byUser = Render<AuditPage>();
        byUser.WaitForAssertion(() => Assert.Equal(["Account locked: sam@test.local", "User created: sam@test.local with Read"], Rows(byUser)));
        Assert.Equal("sam@test.local", byUser.Find("input[aria-label], .mud-autocomplete input").GetAttribute("value"));

        var tomorrow = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd");
        navigation.NavigateTo($"admin/audit?from={tomorrow}");
        var byDate = Render<AuditPage>();
        byDate.WaitForAssertion(() => Assert.Contains("No admin action matches these filters.", byDate.Markup));
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        navigation.NavigateTo($"admin/audit?to={today}");
        var untilToday = Render<AuditPage>();
        untilToday.WaitForAssertion(() => Assert.Equal(4, Rows(untilToday).Length));
    }

    [Fact]
    public async Task A_non_admin_who_reaches_the_page_sees_the_refusal_and_no_entry()
    {
        await ArrangeAsync();
        SignIn(await Registry.UserAsync(Roles.Manager));

        var page = RenderPage<AuditPage>();

        page.WaitForAssertion(() => Assert.Contains("Only admins may read the audit log", page.Markup));
        Assert.Empty(Rows(page));
    }
}
