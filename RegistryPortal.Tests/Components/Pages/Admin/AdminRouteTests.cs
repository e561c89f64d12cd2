using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using RegistryPortal.Components.Pages.Admin;
using RegistryPortal.Domain;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Components.Pages.Admin;

/// <summary>The router lets only holders of the Admin policy into the Admin area.</summary>
public class AdminRouteTests : PageTestContext
{
    public static TheoryData<Type, string> AdminPages => new()
    {
        { typeof(UsersPage), "Search by email or name" },
        { typeof(RolesPage), "What each role may do" },
        { typeof(AuditPage), "Every admin action on accounts" },
    };

    private IRenderedComponent<AuthorizeRouteView> Route(Type page)
    {
        Render<MudBlazor.MudPopoverProvider>();
        return Render<AuthorizeRouteView>(p => p
            .Add(x => x.RouteData, new RouteData(page, new Dictionary<string, object?>()))
            .Add(x => x.NotAuthorized, _ => builder => builder.AddContent(0, "NOT AUTHORIZED")));
    }

    [Theory]
    [MemberData(nameof(AdminPages))]
    public async Task An_admin_page_renders_for_the_Admin_policy(Type page, string shows)
    {
        var admin = await Registry.FirstAdminAsync();
        Authorization.SetRoles(Roles.Admin).SetPolicies(Policies.Admin);
        SignIn(admin);

        var rendered = Route(page);

        rendered.WaitForAssertion(() => Assert.Contains(shows, rendered.Markup));
        Assert.DoesNotContain("NOT AUTHORIZED", rendered.Markup);
    }

    [Theory]
    [MemberData(nameof(AdminPages))]
    public async Task An_admin_page_is_not_shown_without_the_Admin_policy(Type page, string shows)
    {
        var manager = await Registry.UserAsync(Roles.Manager);
        Authorization.SetRoles(Roles.Manager);
        SignIn(manager);

        var rendered = Route(page);

        rendered.WaitForAssertion(() => Assert.Contains("NOT AUTHORIZED", rendered.Markup));
        Assert.DoesNotContain(shows, rendered.Markup);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_app_bar_links_to_the_Admin_area_for_admins_only(bool admin)
    {
        var user = admin ? await Registry.FirstAdminAsync() : await Registry.UserAsync(Roles.Manager);
        if (admin) Authorization.SetRoles(Roles.Admin).SetPolicies(Policies.Admin);
        SignIn(user);

        var layout = Render<RegistryPortal.Components.Layout.MainLayout>(p => p.Add(x => x.Body, _ => { }));

        Assert.Equal(admin, layout.FindAll("a").Any(a => a.TextContent.Trim() == "Admin" && a.GetAttribute("href") == "admin/users"));
    }
}
