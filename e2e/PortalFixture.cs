using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Playwright;
using RegistryPortal.Api;
using RegistryPortal.Data;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Security;

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
    public const string UserPassword = "E2e-User-Passw0rd!";

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
        browser = await RegistryPortal.Bench.DebianChromium.LaunchAsync(playwright);
    }

    /// <summary>A fresh, signed-out browser context whose relative URLs go to the app.</summary>
    public Task<IBrowserContext> NewContextAsync() =>
        browser!.NewContextAsync(new() { BaseURL = BaseUrl });

    /// <summary>The data folder the app was given, so a test can prove the app uses it.</summary>
    public string DataFolder => dataFolder;

    /// <summary>Where the app stores model files (inside the data folder, so nothing lands in the repo).</summary>
    public string ArtifactsFolder => Path.Combine(dataFolder, "artifacts");

    /// <summary>One of the app's own services (the registry services are singletons), for setting up a test's data.</summary>
    public T Service<T>() where T : notnull => app!.Services.GetRequiredService<T>();

    /// <summary>
    /// A new account with one role, made through the app's Identity services (there is no admin UI for users
    /// yet). The e-mail is unique, so tests never share users; the display name is what the pages show.
    /// </summary>
    public async Task<TestUser> CreateUserAsync(string role)
    {
        await using var scope = app!.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var id = Guid.NewGuid().ToString("N")[..6];
        var email = $"{role.ToLowerInvariant()}-{id}@e2e.test";
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = $"{role} {id}" };
        Check(await users.CreateAsync(user, UserPassword), $"create {email}");
        Check(await users.AddToRoleAsync(user, role), $"give {email} the role {role}");
        return new TestUser(email, UserPassword, user.DisplayName, new Actor(user.Id));
    }

    /// <summary>The admin as the services know them, for setting up data no test is about.</summary>
    public async Task<Actor> AdminAsync()
    {
        await using var scope = app!.Services.CreateAsyncScope();
        var admin = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(AdminEmail);
        return new Actor(admin!.Id);
    }

    /// <summary>
    /// A model of its own for one test, made by the admin through the services: a unique name starting with
    /// <paramref name="prefix"/>, and one READY version per entry of <paramref name="stages"/>, moved to that stage.
    /// </summary>
    public async Task<string> CreateModelAsync(string prefix, params Stage[] stages)
    {
        var admin = await AdminAsync();
        var name = $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
        await Service<ModelService>().CreateAsync(admin, name);
        for (var i = 1; i <= stages.Length; i++)
        {
            await Service<VersionService>().RegisterAsync(admin, new NewVersion(name, $"s3://e2e/{name}/{i}"));
            if (stages[i - 1] != Stage.None) await Service<StageService>().TransitionAsync(admin, name, i, stages[i - 1].ToString());
        }
        return name;
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded) throw new InvalidOperationException($"Could not {what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
    }

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
        .UseSetting("Artifacts:Root", Path.Combine(dataFolder, "artifacts"))
        .UseSetting("Admin:Email", PortalFixture.AdminEmail)
        .UseSetting("Admin:Password", PortalFixture.AdminPassword)
        .UseSetting("Demo:Seed", "true")
        .UseSetting("Webhooks:AllowHttpHosts:0", "127.0.0.1"); // the journeys' webhook receivers

    /// <summary>The fixture's UseKestrel registers Kestrel's own memory pool again; the app's goes back on top, so journeys run as deployed.</summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        builder.ConfigureServices(services => services.AddLargeBlockMemoryPool());
        return base.CreateHost(builder);
    }
}

/// <summary>An account made for one test: what its owner types to sign in, and the name the pages show.</summary>
public sealed record TestUser(string Email, string Password, string Name, Actor Actor);

[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalFixture>
{
    public const string Name = "portal";
}
