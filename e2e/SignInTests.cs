using System.Text.RegularExpressions;
using Microsoft.Playwright;
using RegistryPortal.Tests.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace RegistryPortal.E2E;

[Collection(PortalCollection.Name)]
public sealed class SignInTests(PortalFixture portal) : IAsyncLifetime
{
    private IBrowserContext context = null!;
    private IPage page = null!;

    public async ValueTask InitializeAsync()
    {
        context = await portal.NewContextAsync();
        page = await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync() => await context.DisposeAsync();

    [Fact]
    public async Task Admin_signs_in_opens_the_demo_model_and_sees_its_versions()
    {
        await page.GotoAsync("/Account/Login");
        await SignInAsync(PortalHost.AdminEmail, PortalHost.AdminPassword);

        await Expect(page).ToHaveURLAsync(new Regex("/models$"));
        await WaitForCircuitAsync();
        // MudTable puts its aria-label on the wrapper around <table>, so the table is found by that label.
        var models = page.GetByLabel("Registered models", new() { Exact = true });
        await models.GetByRole(AriaRole.Link, new() { Name = "fraud-detector", Exact = true }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/models/fraud-detector$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "fraud-detector", Exact = true })).ToBeVisibleAsync();
        // Body rows are the ones with a version link; the header row has none.
        var rows = page.GetByLabel("Versions", new() { Exact = true }).GetByRole(AriaRole.Row)
            .Filter(new() { Has = page.GetByRole(AriaRole.Link) });
        await Expect(rows).ToHaveCountAsync(4);
        var version2 = rows.Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = "Version 2", Exact = true }) });
        var stageChip = version2.Locator("[data-stage]");
        await Expect(stageChip).ToHaveAttributeAsync("data-stage", "Production");
        await Expect(stageChip).ToHaveTextAsync("Production");
    }

    [Fact]
    public async Task Wrong_password_shows_an_error_and_stays_on_the_login_page()
    {
        await page.GotoAsync("/Account/Login");
        await SignInAsync(PortalHost.AdminEmail, "Not-the-password-1");

        await Expect(page.GetByText("Wrong email or password")).ToBeVisibleAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_signed_out_visit_to_a_model_goes_to_login_and_back_to_the_model()
    {
        await page.GotoAsync("/models/fraud-detector");
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login\\?ReturnUrl=%2Fmodels%2Ffraud-detector$", RegexOptions.IgnoreCase));

        await SignInAsync(PortalHost.AdminEmail, PortalHost.AdminPassword);

        await Expect(page).ToHaveURLAsync(new Regex("/models/fraud-detector$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "fraud-detector", Exact = true })).ToBeVisibleAsync();
    }

    private async Task SignInAsync(string email, string password)
    {
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>Clicks made before the Blazor circuit is up get lost; the layout flags when it is.</summary>
    private Task WaitForCircuitAsync() =>
        Expect(page.GetByTestId("circuit")).ToHaveAttributeAsync("data-interactive", "true");
}
