using System.Text.RegularExpressions;
using Microsoft.Playwright;
using RegistryPortal.Tests.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace RegistryPortal.E2E;

/// <summary>
/// Permissions changing under an open page, in two browsers at once: an admin creates a Reader in the Admin area; the Reader signs in
/// elsewhere and may only request transitions; the admin grants Manage Production Versions on one model; the
/// Reader's open page, without signing out or reloading, now offers Transition to Production on that model only.
/// Uses the demo models read-only (fraud-detector version 4 and churn-predictor version 2 are in None).
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class PermissionJourneyTests(PortalFixture portal) : IAsyncLifetime
{
    private const string GrantedModel = "fraud-detector";
    private const string OtherModel = "churn-predictor";

    private IBrowserContext adminContext = null!, userContext = null!;

    public async ValueTask InitializeAsync()
    {
        adminContext = await portal.NewContextAsync();
        userContext = await portal.NewContextAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await adminContext.DisposeAsync();
        await userContext.DisposeAsync();
    }

    [Fact]
    public async Task An_admin_creates_a_reader_and_a_grant_gives_them_Transition_to_Production_on_one_model_in_their_open_page()
    {
        // The admin creates the user in the browser; the generated password is shown once.
        var admin = await adminContext.NewPageAsync();
        await SignInAsync(admin, PortalHost.AdminEmail, PortalHost.AdminPassword);
        await WaitForCircuitAsync(admin);
        await admin.GetByRole(AriaRole.Link, new() { Name = "Admin", Exact = true }).ClickAsync();
        await Expect(admin).ToHaveURLAsync(new Regex("/admin/users$"));
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Users", Exact = true })).ToBeVisibleAsync();
        var email = $"reader-{Guid.NewGuid():N}"[..15] + "@e2e.test";
        await admin.GetByRole(AriaRole.Button, new() { Name = "New user" }).ClickAsync();
        var dialog = admin.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await dialog.GetByLabel("Display name", new() { Exact = true }).FillAsync("Rita Reader");
        await Expect(dialog.GetByRole(AriaRole.Radio, new() { Name = "Read", Exact = true })).ToBeCheckedAsync(); // one level, Read at first
        await Expect(dialog.GetByRole(AriaRole.Radio, new() { Name = "Edit", Exact = true })).Not.ToBeCheckedAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create user" }).ClickAsync();
        var shownOnce = admin.GetByTestId("one-time-password");
        await Expect(shownOnce).ToBeVisibleAsync();
        var password = (await shownOnce.TextContentAsync())!.Trim();
        await Expect(admin.Locator($"td[data-user='{email}']")).ToBeVisibleAsync();

        // The new Reader signs in in a second browser and opens a version in None: only Request items.
        var user = await userContext.NewPageAsync();
        await SignInAsync(user, email, password);
        await user.GotoAsync($"/models/{GrantedModel}/versions/4");
        await WaitForCircuitAsync(user);
        await Expect(user.GetByRole(AriaRole.Heading, new() { Name = "Version 4", Exact = true })).ToBeVisibleAsync();
        await OpenStageMenuAsync(user);
        await Expect(MenuItems(user)).ToHaveTextAsync(["Request transition to Staging", "Request transition to Production", "Request transition to Archived"]);
        await Expect(MenuItems(user).Filter(new() { HasTextRegex = new Regex("^\\s*Transition to") })).ToHaveCountAsync(0);
        await CloseMenuAsync(user);

        // The admin grants Manage Production Versions on that one model, in its Permissions section.
        await admin.GotoAsync($"/models/{GrantedModel}");
        await WaitForCircuitAsync(admin);
        var permissions = admin.GetByLabel("Permissions", new() { Exact = true });
        await permissions.Locator("summary").ClickAsync(); // the section is collapsed at first
        await permissions.GetByLabel("User", new() { Exact = true }).FillAsync(email);
        await admin.GetByRole(AriaRole.Option, new() { Name = $"Rita Reader <{email}>", Exact = true }).ClickAsync();
        await Expect(permissions.GetByLabel("User", new() { Exact = true })).ToHaveValueAsync($"Rita Reader <{email}>");
        var level = permissions.GetByRole(AriaRole.Combobox, new() { Name = "Level to grant", Exact = true });
        await level.ClickAsync();
        await admin.GetByRole(AriaRole.Option, new() { Name = "Manage Production Versions", Exact = true }).ClickAsync();
        // MudSelect commits the choice after a round trip to the browser; a click on Grant before it shows
        // would grant the old level, so wait until the select shows the new one, as a person would.
        await Expect(level).ToHaveTextAsync("Manage Production Versions");
        await permissions.GetByRole(AriaRole.Button, new() { Name = "Grant", Exact = true }).ClickAsync();
        var row = permissions.GetByRole(AriaRole.Row).Filter(new() { Has = admin.Locator($"td[data-user='{email}']") });
        await Expect(row.Locator("td[data-level]")).ToHaveAttributeAsync("data-level", "ManageProductionVersions");
        await Expect(row.Locator("td[data-sources]")).ToHaveTextAsync("Grant");

        // Without signing out or reloading, the Reader's open page now offers the move to Production.
        await OpenStageMenuAsync(user);
        await Expect(MenuItems(user)).ToHaveTextAsync(["Transition to Staging", "Transition to Production", "Transition to Archived"]);
        await CloseMenuAsync(user);
        await Expect(user).ToHaveURLAsync(new Regex($"/models/{GrantedModel}/versions/4$"));

        // And still not on another model.
        await user.GotoAsync($"/models/{OtherModel}/versions/2");
        await WaitForCircuitAsync(user);
        await Expect(user.GetByRole(AriaRole.Heading, new() { Name = "Version 2", Exact = true })).ToBeVisibleAsync();
        await OpenStageMenuAsync(user);
        await Expect(MenuItems(user)).ToHaveTextAsync(["Request transition to Staging", "Request transition to Production", "Request transition to Archived"]);
        await Expect(MenuItems(user).Filter(new() { HasTextRegex = new Regex("^\\s*Transition to") })).ToHaveCountAsync(0);
    }

    private static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/models$"));
    }

    /// <summary>The Stage dropdown of a version in None.</summary>
    private static Task OpenStageMenuAsync(IPage page) =>
        page.GetByRole(AriaRole.Button, new() { Name = "Stage: None", Exact = true }).ClickAsync();

    /// <summary>Closes the open menu as a person does: a click beside it.</summary>
    private static async Task CloseMenuAsync(IPage page)
    {
        await page.Mouse.ClickAsync(5, 300);
        await Expect(MenuItems(page)).ToHaveCountAsync(0);
    }

    private static ILocator MenuItems(IPage page) => page.Locator(".mud-popover-open .mud-menu-item");

    /// <summary>Clicks made before the Blazor circuit is up get lost; the layout flags when it is.</summary>
    private static Task WaitForCircuitAsync(IPage page) =>
        Expect(page.GetByTestId("circuit")).ToHaveAttributeAsync("data-interactive", "true");
}
