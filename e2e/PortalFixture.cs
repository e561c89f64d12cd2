using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using RegistryPortal.Data;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.E2E;

/// <summary>
/// The real app (a <see cref="PortalHost"/>) on Kestrel at 127.0.0.1 (a free port) over its own temporary SQLite folder
/// with the demo data, and one headless Debian Chromium. Both take seconds to start, so a collection shares them;
/// each test opens its own browser context (own cookies, so sign-ins never leak between tests).
/// </summary>
public sealed class PortalFixture : IAsyncLifetime
{
    public const string UserPassword = "E2e-User-Passw0rd!";

    private readonly PortalHost app = new() { Settings = new Dictionary<string, string?> { ["Demo:Seed"] = "true", ["Webhooks:AllowHttpHosts:0"] = "127.0.0.1" } }; // 127.0.0.1: the journeys' webhook receivers
    private IPlaywright? playwright;
    private IBrowser? browser;

    public string BaseUrl => app.BaseUrl;

    public async ValueTask InitializeAsync()
    {
        app.StartOnKestrel();
        // The first page of a cold app on a 2-core CI machine can take longer than the default 5 s.
        Assertions.SetDefaultExpectTimeout(15_000);
        playwright = await Playwright.CreateAsync();
        browser = await RegistryPortal.Bench.DebianChromium.LaunchAsync(playwright);
    }

    /// <summary>A fresh, signed-out browser context whose relative URLs go to the app.</summary>
    public Task<IBrowserContext> NewContextAsync() =>
        browser!.NewContextAsync(new() { BaseURL = BaseUrl });

    /// <summary>The data folder the app was given, so a test can prove the app uses it.</summary>
    public string DataFolder => app.DataFolder;

    /// <summary>Where the app stores model files (inside the data folder, so nothing lands in the repo).</summary>
    public string ArtifactsFolder => app.ArtifactsFolder;

    /// <summary>One of the app's own services (the registry services are singletons), for setting up a test's data.</summary>
    public T Service<T>() where T : notnull => app.Service<T>();

    /// <summary>
    /// A new account with one role, made through the app's Identity services (there is no admin UI for users
    /// yet). The e-mail is unique, so tests never share users; the display name is what the pages show.
    /// </summary>
    public async Task<TestUser> CreateUserAsync(string role)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var id = Guid.NewGuid().ToString("N")[..6];
        var email = $"{role.ToLowerInvariant()}-{id}@e2e.test";
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = $"{role} {id}" };
        Check(await users.CreateAsync(user, UserPassword), $"create {email}");
        Check(await users.AddToRoleAsync(user, role), $"give {email} the role {role}");
        return new TestUser(email, UserPassword, user.DisplayName, new Actor(user.Id));
    }

    /// <summary>The admin as the services know them, for setting up data no test is about.</summary>
    public Task<Actor> AdminAsync() => app.AdminAsync();

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
        await app.DisposeAsync();
    }
}

/// <summary>An account made for one test: what its owner types to sign in, and the name the pages show.</summary>
public sealed record TestUser(string Email, string Password, string Name, Actor Actor);

[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalFixture>
{
    public const string Name = "portal";
}
