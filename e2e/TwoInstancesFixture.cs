using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Data;
using RegistryPortal.Security;
using Microsoft.Playwright;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.E2E;

/// <summary>
/// Two instances of the real app (each a <see cref="PortalHost"/>) on Kestrel (127.0.0.1, free ports) sharing nothing but
/// services, as README's "Several instances" describes: one PostgreSQL database on a private server and one Azure Blob
/// container (Azurite); and one headless Chromium. The first instance migrates the empty database and makes the admin;
/// the second finds both done.
/// </summary>
public sealed class TwoInstancesFixture : IAsyncLifetime
{
    private PostgresServer? server;
    private Azurite? azurite;
    private string container = "";
    private IPlaywright? playwright;
    private IBrowser? browser;

    public PortalHost A { get; private set; } = null!;
    public PortalHost B { get; private set; } = null!;

    /// <summary>The database both instances use.</summary>
    public string ConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        server = await PostgresServer.StartAsync();
        ConnectionString = await server.CreateDatabaseAsync();
        azurite = await Azurite.SharedAsync();
        container = await azurite.CreateContainerAsync();
        A = Instance();
        B = Instance();
        Assertions.SetDefaultExpectTimeout(15_000);
        playwright = await Playwright.CreateAsync();
        browser = await RegistryPortal.Bench.DebianChromium.LaunchAsync(playwright);
    }

    /// <summary>One instance on PostgreSQL, with its files in the shared container.</summary>
    private PortalHost Instance() => new PortalHost
    {
        Settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres", ["Database:ConnectionString"] = ConnectionString,
            ["Artifacts:Store"] = "AzureBlob", ["Artifacts:AzureBlob:ConnectionString"] = azurite!.ConnectionString,
            ["Artifacts:AzureBlob:Container"] = container,
        },
    }.StartOnKestrel();

    /// <summary>A fresh, signed-out browser context whose relative URLs go to <paramref name="baseUrl"/> (its cookies go to both instances: cookies are per host, not per port).</summary>
    public Task<IBrowserContext> NewContextAsync(string baseUrl) => browser!.NewContextAsync(new() { BaseURL = baseUrl });

    /// <summary>The admin the first instance made.</summary>
    public async Task<TestUser> AdminAsync()
    {
        await using var scope = A.Service<IServiceScopeFactory>().CreateAsyncScope();
        var admin = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(PortalHost.AdminEmail);
        return new TestUser(PortalHost.AdminEmail, PortalHost.AdminPassword, admin!.DisplayName, new Actor(admin.Id));
    }

    public async ValueTask DisposeAsync()
    {
        if (browser is not null) await browser.DisposeAsync();
        playwright?.Dispose();
        if (B is not null) await B.DisposeAsync();
        if (A is not null) await A.DisposeAsync();
        if (server is not null) await server.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class TwoInstancesCollection : ICollectionFixture<TwoInstancesFixture>
{
    public const string Name = "two-instances";
}
