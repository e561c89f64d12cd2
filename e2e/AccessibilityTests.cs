using System.Text.Json;
using Microsoft.Playwright;
using RegistryPortal.Tests.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace RegistryPortal.E2E;

/// <summary>
/// axe-core (e2e/axe/axe.min.js, committed with its licence so no test run needs the network) checks the main pages
/// as the admin sees them: none may have a serious or critical violation of WCAG 2.1 A/AA.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class AccessibilityTests(PortalFixture portal, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly Lazy<string> AxeSource = new(() => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "axe", "axe.min.js")));

    private IBrowserContext context = null!;
    private IPage page = null!;

    public async ValueTask InitializeAsync()
    {
        context = await portal.NewContextAsync();
        page = await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync() => await context.DisposeAsync();

    [Fact]
    public async Task The_login_page_has_no_serious_violations()
    {
        await page.GotoAsync("/Account/Login");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeVisibleAsync();
        Assert.Empty(await SeriousViolationsAsync("login"));
    }

    [Theory]
    [InlineData("/models", "Registered models")]
    [InlineData("/models/fraud-detector", "fraud-detector")]
    [InlineData("/models/fraud-detector/versions/3", "Version 3")]
    [InlineData("/experiments", "Experiments")]
    [InlineData("/admin/users", "Users")]
    [InlineData("/admin/roles", "Roles")]
    [InlineData("/admin/audit", "Audit log")]
    [InlineData("/Account/Manage", "Profile")]
    public async Task A_main_page_has_no_serious_violations(string path, string heading)
    {
        var admin = new TestUser(PortalHost.AdminEmail, PortalHost.AdminPassword, "", default!);
        await page.SignInAsync(admin);
        await page.GotoAsync(path);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Exact = true }).First).ToBeVisibleAsync();
        if (!path.StartsWith("/Account/")) await page.WaitForCircuitAsync(); // Account pages are static: no circuit
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.Empty(await SeriousViolationsAsync(path));
    }

    [Fact]
    public async Task The_model_page_with_permissions_open_and_the_Register_Model_dialog_have_no_serious_violations()
    {
        var admin = new TestUser(PortalHost.AdminEmail, PortalHost.AdminPassword, "", default!);
        await page.SignInAsync(admin, "/models/fraud-detector");
        var permissions = page.GetByLabel("Permissions", new() { Exact = true });
        await permissions.Locator("summary").ClickAsync();
        await Expect(permissions.GetByRole(AriaRole.Button, new() { Name = "Grant", Exact = true })).ToBeVisibleAsync();
        Assert.Empty(await SeriousViolationsAsync("model page, permissions open"));

        await page.Button("Register Model").ClickAsync();
        await Expect(page.OpenDialog().GetByText("Choose folder", new() { Exact = true })).ToBeVisibleAsync();
        Assert.Empty(await SeriousViolationsAsync("Register Model dialog"));
    }

    /// <summary>
    /// Runs axe on the page as it is; "rule: target" of every serious or critical violation, also written to the
    /// test output with the count. Evaluated, not added as a script tag: the portal's CSP refuses inline scripts.
    /// </summary>
    private async Task<List<string>> SeriousViolationsAsync(string what)
    {
        await page.EvaluateAsync(AxeSource.Value);
        var json = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
              return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                .flatMap(v => v.nodes.map(n => `${v.id} (${v.impact}): ${n.target.join(' ')} ${n.html.slice(0, 160)}`));
            }
            """);
        var found = json.EnumerateArray().Select(e => e.GetString()!).ToList();
        output.WriteLine($"axe {what}: {found.Count} serious/critical");
        foreach (var line in found) output.WriteLine("  " + line);
        return found;
    }
}
