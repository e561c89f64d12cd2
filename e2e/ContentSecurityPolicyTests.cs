using Microsoft.Playwright;
using RegistryPortal.Domain;
using static Microsoft.Playwright.Assertions;

namespace RegistryPortal.E2E;

/// <summary>
/// The portal's Content-Security-Policy (no inline script but the nonce'd import map, scripts and the circuit from the
/// portal itself) lets every main page run: Chromium reports no violation, the circuit comes up, dialogs open.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class ContentSecurityPolicyTests(PortalFixture portal) : JourneyTest(portal)
{
    [Fact]
    public async Task Every_main_page_loads_and_runs_under_the_policy_with_no_violation_in_Chromium()
    {
        var admin = await Portal.CreateUserAsync(Roles.Admin);
        var page = await NewBrowserAsync();
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error" || message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
                problems.Add($"{page.Url}: {message.Text}");
        };
        page.PageError += (_, error) => problems.Add($"{page.Url}: {error}");

        await page.GotoAsync("/Account/Login");
        await page.SignInAsync(admin);
        foreach (var path in new[] { "/models", "/models/fraud-detector", "/models/fraud-detector/versions/1", "/experiments", "/admin/users", "/admin/roles", "/admin/audit" })
        {
            await page.GotoAsync(path);
            await page.WaitForCircuitAsync();
        }
        await page.GotoAsync("/models");
        await page.WaitForCircuitAsync();
        await page.Button("Create Model").ClickAsync();
        await Expect(page.OpenDialog()).ToBeVisibleAsync();
        await page.GotoAsync("/Account/Manage");
        await Expect(page.Heading("Profile")).ToBeVisibleAsync();

        Assert.Empty(problems);
    }
}
