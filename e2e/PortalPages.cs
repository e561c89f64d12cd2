using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace RegistryPortal.E2E;

/// <summary>What the journeys do and look for on the portal's pages, by role, label and text.</summary>
public static class PortalPages
{
    /// <summary>
    /// Signs in on the login page and lands on <paramref name="returnUrl"/> with the Blazor circuit up,
    /// the way a person follows a link while signed out.
    /// </summary>
    public static async Task SignInAsync(this IPage page, TestUser user, string returnUrl = "/models")
    {
        await page.GotoAsync($"/Account/Login?ReturnUrl={Uri.EscapeDataString(returnUrl)}");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(user.Email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(user.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(returnUrl) + "$"));
        await page.WaitForCircuitAsync();
    }

    /// <summary>Clicks made before the Blazor circuit is up get lost; the layout flags when it is.</summary>
    public static Task WaitForCircuitAsync(this IPage page) =>
        Expect(page.GetByTestId("circuit")).ToHaveAttributeAsync("data-interactive", "true");

    public static ILocator Button(this IPage page, string name) =>
        page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    public static ILocator Button(this ILocator scope, string name) =>
        scope.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    public static ILocator Link(this ILocator scope, string name) =>
        scope.GetByRole(AriaRole.Link, new() { Name = name, Exact = true });

    /// <summary>The open dialog (MudBlazor renders one at a time here).</summary>
    public static ILocator OpenDialog(this IPage page) => page.GetByRole(AriaRole.Dialog);

    /// <summary>A snackbar message.</summary>
    public static ILocator Message(this IPage page, string text) => page.GetByText(text, new() { Exact = true });

    /// <summary>A link in the breadcrumbs above a model or version page ("Models", the model's name).</summary>
    public static ILocator BreadcrumbLink(this IPage page, string text) =>
        page.GetByRole(AriaRole.Navigation, new() { Name = "Breadcrumb" }).GetByRole(AriaRole.Link, new() { Name = text, Exact = true });

    /// <summary>The page title of a model or version page (an h4).</summary>
    public static ILocator Heading(this IPage page, string text) =>
        page.GetByRole(AriaRole.Heading, new() { Name = text, Exact = true });

    // --- Version page -------------------------------------------------------------------------------

    /// <summary>The stage chip beside the version's title (the first chip on the page; request rows follow it).</summary>
    public static ILocator VersionStageChip(this IPage page) => page.Locator("[data-stage]").First;

    /// <summary>The Stage dropdown's button, which reads "Stage: X".</summary>
    public static ILocator StageMenuButton(this IPage page) =>
        page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Stage: ") });

    public static ILocator MenuItem(this IPage page, string text) =>
        page.GetByRole(AriaRole.Menuitem, new() { Name = text, Exact = true });

    /// <summary>Opens the Stage dropdown and picks an item ("Transition to X" or "Request transition to X").</summary>
    public static async Task ChooseStageAsync(this IPage page, string item)
    {
        await page.StageMenuButton().ClickAsync();
        await page.MenuItem(item).ClickAsync();
    }

    public static ILocator PendingRequests(this IPage page) => page.GetByLabel("Pending requests", new() { Exact = true });

    /// <summary>The pending request to <paramref name="stage"/> in the panel.</summary>
    public static ILocator PendingRequest(this IPage page, string stage) =>
        page.PendingRequests().GetByRole(AriaRole.Group, new() { NameRegex = new Regex($"^Request #\\d+ to {stage}$") });

    public static ILocator Activity(this IPage page) => page.GetByLabel("Activity", new() { Exact = true });

    /// <summary>The activity items of a kind (ActivityKind's name), newest first.</summary>
    public static ILocator ActivityItems(this IPage page, string kind) => page.Activity().Locator($"[data-activity={kind}]");

    // --- Model page ---------------------------------------------------------------------------------

    public static ILocator VersionsTable(this IPage page) => page.GetByLabel("Versions", new() { Exact = true });

    /// <summary>The row of one version in the model page's Versions table.</summary>
    public static ILocator VersionRow(this IPage page, int number) =>
        page.VersionsTable().GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = $"Version {number}", Exact = true }) });

    /// <summary>Body rows of the Versions table: the ones with a version link (the header row has none).</summary>
    public static ILocator VersionRows(this IPage page) =>
        page.VersionsTable().GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Version \\d+$") }) });
}
