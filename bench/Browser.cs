using System.Text.RegularExpressions;
using Microsoft.Playwright;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Bench;

/// <summary>Debian's headless Chromium (never Playwright's download) with the admin signed in once; contexts reuse that sign-in.</summary>
public sealed class Browser : IAsyncDisposable
{
    private readonly IPlaywright playwright;
    private readonly IBrowser browser;
    private readonly string baseUrl;
    private string storageState = "";

    private Browser(IPlaywright playwright, IBrowser browser, string baseUrl) => (this.playwright, this.browser, this.baseUrl) = (playwright, browser, baseUrl);

    /// <summary>The signed-in cookies as one Cookie header, for timing the server's own answer with an HttpClient.</summary>
    public string CookieHeader { get; private set; } = "";

    public static async Task<Browser> StartAsync(string baseUrl)
    {
        var playwright = await Playwright.CreateAsync();
        var chromium = await DebianChromium.LaunchAsync(playwright);
        var browser = new Browser(playwright, chromium, baseUrl);
        await browser.SignInAsync();
        return browser;
    }

    private async Task SignInAsync()
    {
        await using var context = await browser.NewContextAsync(new() { BaseURL = baseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login?ReturnUrl=%2Fmodels");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(PortalHost.AdminEmail);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(PortalHost.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/models$"), new() { Timeout = 60_000 });
        storageState = await context.StorageStateAsync();
        var cookies = await context.CookiesAsync();
        CookieHeader = string.Join("; ", cookies.Select(c => $"{c.Name}={c.Value}"));
    }

    /// <summary>A new context (own tabs) already signed in as the admin.</summary>
    public Task<IBrowserContext> SignedInContextAsync() =>
        browser.NewContextAsync(new() { BaseURL = baseUrl, StorageState = storageState });

    /// <summary>Waits until the Blazor circuit of the page is up (the layout flags it).</summary>
    public static Task WaitForCircuitAsync(IPage page) =>
        page.GetByTestId("circuit").And(page.Locator("[data-interactive=true]")).WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });

    public async ValueTask DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }
}
