using Bunit;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Components.Pages.Admin;
using RegistryPortal.Components.Pages.Models;
using RegistryPortal.Domain;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Components.Pages.Models;

/// <summary>Four-eyes protection on the pages: the Stage menu's two groups, the model's switch, the admin's default.</summary>
public class FourEyesPageTests : PageTestContext
{
    private string LastSnackbar() => Services.GetRequiredService<MudBlazor.ISnackbar>().ShownSnackbars.Last().Message ?? "";

    [Fact]
    public async Task The_stage_menu_groups_moves_and_requests_says_why_and_closes_on_one_escape()
    {
        var (name, owner) = await Registry.ModelInStagesAsync(Stage.Staging);
        await Registry.Models.SetFourEyesAsync(owner, name, true);
        SignIn(await Registry.UserAsync(Roles.Manager));
        var page = RenderPage<VersionPage>(p => p.Add(x => x.Name, name).Add(x => x.Number, 1));
        page.WaitForAssertion(() => Assert.NotNull(page.Button("Stage: Staging")));

        page.Button("Stage: Staging")!.Click();

        Popovers.WaitForAssertion(() => Assert.Equal(["Transition to None", "Transition to Archived", "Request transition to Production"],
            Popovers.FindAll(".mud-menu-item").Select(i => i.TextContent.Trim())));
        Assert.Equal(["Move now", "Request"], Popovers.FindAll(".mud-typography-overline").Select(t => t.TextContent.Trim()));
        Assert.Contains("Four-eyes protection: moves into or out of Production need a request approved by someone else.", Popovers.Markup);

        Popovers.Find("[role=none]").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Escape" });
        Popovers.WaitForAssertion(() => Assert.Empty(Popovers.FindAll(".mud-menu-item")));
    }

    [Fact]
    public async Task Without_four_eyes_a_manager_sees_only_the_move_now_group()
    {
        var (name, _) = await Registry.ModelInStagesAsync(Stage.Staging);
        SignIn(await Registry.UserAsync(Roles.Manager));
        var page = RenderPage<VersionPage>(p => p.Add(x => x.Name, name).Add(x => x.Number, 1));
        page.WaitForAssertion(() => Assert.NotNull(page.Button("Stage: Staging")));

        page.Button("Stage: Staging")!.Click();

        Popovers.WaitForAssertion(() => Assert.Equal(["Move now"], Popovers.FindAll(".mud-typography-overline").Select(t => t.TextContent.Trim())));
        Assert.DoesNotContain("Four-eyes", Popovers.Markup);
    }

    [Fact]
    public async Task A_manage_holder_switches_four_eyes_on_and_then_reads_why_only_an_admin_turns_it_off()
    {
        var (name, owner) = await Registry.ModelInStagesAsync(Stage.Staging);
        SignIn(owner);
        var page = RenderPage<ModelPage>(p => p.Add(x => x.Name, name));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[aria-label='Four-eyes protection'] input")));
        Assert.Contains("Follows the registry's default.", page.Find("[aria-label='Four-eyes protection']").TextContent);

        page.Find("[aria-label='Four-eyes protection'] input").Change(true);

        // The switch turns at once; the snackbar says the save is done.
        page.WaitForAssertion(() => Assert.Equal("Four-eyes protection is on.", LastSnackbar()));
        Assert.True(page.Find("[aria-label='Four-eyes protection'] input").HasAttribute("checked"));
        Assert.True((await Registry.Models.GetAsync(owner, name)).FourEyes);
        var group = page.Find("[aria-label='Four-eyes protection']");
        Assert.True(group.QuerySelector("input")!.HasAttribute("disabled"));
        Assert.Contains("Set for this model.", group.TextContent);
        Assert.Contains($"Only an admin turns four-eyes protection off for '{name}'", group.TextContent);
    }

    [Fact]
    public async Task An_admin_switches_the_registry_default_which_lands_in_the_audit_log()
    {
        var admin = await Registry.AdminAsync();
        SignIn(admin);
        var page = RenderPage<SettingsPage>();
        page.WaitForAssertion(() => Assert.False(page.Find(".mud-switch input").HasAttribute("disabled")));
        Assert.False(page.Find(".mud-switch input").HasAttribute("checked"));

        page.Find(".mud-switch input").Change(true);

        page.WaitForAssertion(() => Assert.Equal("Four-eyes protection is on by default.", LastSnackbar()));
        Assert.True(page.Find(".mud-switch input").HasAttribute("checked"));
        Assert.True((await Registry.Settings.GetAsync(admin)).FourEyesByDefault);
        var audit = await Registry.Audit.ListAsync(admin, new AuditQuery(Kind: ActivityKind.RegistrySettingsChanged));
        Assert.Equal("four-eyes protection by default on", Assert.Single(audit.Items).Detail);
    }
}
