using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace RegistryPortal.E2E;

/// <summary>
/// The real app on Kestrel at 127.0.0.1 (a free port) over its own temporary SQLite folder with the demo
/// data, and one headless Debian Chromium. Both take seconds to start, so a collection shares them;
/// each test opens its own browser context (own cookies, so sign-ins never leak between tests).
/// </summary>
public sealed class PortalFixture : IAsyncLifetime
{
    public const string AdminEmail = "admin@e2e.test";
    public const string AdminPassword = "E2e-Admin-Passw0rd!";

    // Debian's Chromium, never Playwright's own download; flags as STACK.md lists them for this machine.
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ];

    private readonly string dataFolder = Directory.CreateTempSubdirectory("registryportal-e2e-").FullName;
    private PortalFactory? app;
    private IPlaywright? playwright;
    private IBrowser? browser;

    public string BaseUrl { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        app = new PortalFactory(dataFolder);
        app.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        app.StartServer();
        // Without this guard a misapplied setting would seed the repo's own data folder instead.
        if (!File.Exists(Path.Combine(dataFolder, "registry.db")))
            throw new InvalidOperationException($"The app did not create its database in {dataFolder}.");
        BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        // The first page of a cold app on a 2-core CI machine can take longer than the default 5 s.
        Assertions.SetDefaultExpectTimeout(15_000);
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ChromiumArgs });
    }

    /// <summary>A fresh, signed-out browser context whose relative URLs go to the app.</summary>
    public Task<IBrowserContext> NewContextAsync() =>
        browser!.NewContextAsync(new() { BaseURL = BaseUrl });

    /// <summary>The data folder the app was given, so a test can prove the app uses it.</summary>
    public string DataFolder => dataFolder;

    public async ValueTask DisposeAsync()
    {
        if (browser is not null) await browser.DisposeAsync();
        playwright?.Dispose();
        if (app is not null) await app.DisposeAsync();
        SqliteConnection.ClearAllPools(); // pooled connections keep the database file open
        Directory.Delete(dataFolder, recursive: true);
    }
}

/// <summary>The app's own Program with settings that make it known and isolated: data folder, admin, demo data.</summary>
internal sealed class PortalFactory(string dataFolder) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder) => builder
        .UseSetting("Database:DataFolder", dataFolder)
        .UseSetting("Admin:Email", PortalFixture.AdminEmail)
        .UseSetting("Admin:Password", PortalFixture.AdminPassword)
        .UseSetting("Demo:Seed", "true");
}

[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalFixture>
{
    public const string Name = "portal";
}
