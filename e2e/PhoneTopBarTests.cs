using System.Text.RegularExpressions;
using Microsoft.Playwright;
using RegistryPortal.Tests.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace RegistryPortal.E2E;

/// <summary>On a phone-sized screen the top bar folds its links into a menu instead of running them into each other.</summary>
[Collection(PortalCollection.Name)]
public sealed class PhoneTopBarTests(PortalFixture portal) : IAsyncLifetime
{
    private IBrowserContext context = null!;
    private IPage page = null!;

    public async ValueTask InitializeAsync()
    {
        context = await portal.NewContextAsync();
        page = await context.NewPageAsync();
        await page.SetViewportSizeAsync(390, 844); // a common phone, portrait
    }

    public async ValueTask DisposeAsync() => await context.DisposeAsync();

    private ILocator Bar => page.Locator("header.mud-appbar");

    [Fact]
    public async Task The_links_fold_into_a_menu_that_opens_and_navigates()
    {
        var admin = new TestUser(PortalHost.AdminEmail, PortalHost.AdminPassword, "", default!);
        await page.SignInAsync(admin);

        await Expect(Bar.GetByRole(AriaRole.Link, new() { Name = "Experiments" })).ToBeHiddenAsync();
        await Expect(Bar.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeHiddenAsync();
        // What shows fits on one line of the screen without overlapping: the name and the menu.
        var brand = await Bar.GetByRole(AriaRole.Link, new() { Name = "RegistryPortal" }).BoundingBoxAsync();
        var menu = Bar.GetByLabel("Menu", new() { Exact = true });
        await Expect(menu).ToBeVisibleAsync();
        var menuBox = await menu.BoundingBoxAsync();
        Assert.True(brand!.X + brand.Width <= menuBox!.X, $"the name ends at {brand.X + brand.Width}, the menu starts at {menuBox.X}");
        Assert.True(menuBox.X + menuBox.Width <= 390, "the menu is on the screen");
        Assert.True(Math.Abs((brand.Y + brand.Height / 2) - (menuBox.Y + menuBox.Height / 2)) < 12, "one line");

        await menu.ClickAsync();
        var opened = Bar.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).Filter(new() { Visible = true });
        await Expect(opened.GetByRole(AriaRole.Link, new() { Name = "Admin", Exact = true })).ToBeVisibleAsync();
        await Expect(opened.GetByRole(AriaRole.Link, new() { Name = PortalHost.AdminEmail, Exact = true })).ToBeVisibleAsync();
        await Expect(opened.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true })).ToBeVisibleAsync();
        await opened.GetByRole(AriaRole.Link, new() { Name = "Experiments", Exact = true }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/experiments$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Experiments", Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task On_a_wide_screen_the_links_are_in_the_bar_and_there_is_no_menu()
    {
        await page.SetViewportSizeAsync(1280, 800);
        var admin = new TestUser(PortalHost.AdminEmail, PortalHost.AdminPassword, "", default!);
        await page.SignInAsync(admin);

        await Expect(Bar.GetByRole(AriaRole.Link, new() { Name = "Experiments", Exact = true }).Filter(new() { Visible = true })).ToHaveCountAsync(1);
        await Expect(Bar.GetByLabel("Menu", new() { Exact = true })).ToBeHiddenAsync();
    }
}
