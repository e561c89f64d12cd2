using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RegistryPortal.Api;
using RegistryPortal.Data;
using RegistryPortal.Security;

namespace RegistryPortal.Tests.TestSupport;

/// <summary>
/// The portal's own Program, hosted for the tests, the e2e journeys and the benchmark (one source file, compiled into
/// each): over a data folder of its own, with a known admin and the caller's settings; in memory
/// (<see cref="Start"/>, a TestServer) or on Kestrel at 127.0.0.1 on a free port (<see cref="StartOnKestrel"/>), where
/// a browser, the CLI or another process reaches it over real sockets.
/// </summary>
public sealed class PortalHost : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@portal.test";
    public const string AdminPassword = "Portal-Admin-Passw0rd!";

    /// <summary>Its data folder, made when missing: registry.db and, unless a setting moves it, artifacts/. Unset: a new temporary folder.</summary>
    public string DataFolder
    {
        get => field ??= Directory.CreateTempSubdirectory("registryportal-").FullName;
        init => field = Directory.CreateDirectory(value).FullName;
    }

    /// <summary>Leave the data folder behind when the host is disposed.</summary>
    public bool KeepData { get; init; }

    /// <summary>Settings over the host's own (data folder, artifact root, admin), such as Database:Provider or Demo:Seed.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>The hosting environment; unset: WebApplicationFactory's (Development).</summary>
    public string? Environment { get; init; }

    /// <summary>Hash passwords with fewer rounds, for tests that sign in over HTTP Basic hundreds of times.</summary>
    public bool FastPasswordHashing { get; init; }

    /// <summary>Changes to the app's services after Program's own registrations (a query recorder).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    public string ArtifactsFolder =>
        Settings.TryGetValue("Artifacts:Root", out var root) && !string.IsNullOrEmpty(root) ? root : Path.Combine(DataFolder, "artifacts");

    private Uri? kestrelAddress;

    /// <summary>Where clients reach it: Kestrel's address, or the in-memory server's.</summary>
    public string BaseUrl => BaseAddress.ToString().TrimEnd('/');

    private Uri BaseAddress => kestrelAddress ?? ClientOptions.BaseAddress;

    /// <summary>Starts the app in memory: settings checked, database migrated, admin made.</summary>
    public PortalHost Start()
    {
        StartServer();
        return Started();
    }

    /// <summary>Starts the app on Kestrel at 127.0.0.1 on a free port.</summary>
    public PortalHost StartOnKestrel()
    {
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        kestrelAddress = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return Started();
    }

    private PortalHost Started()
    {
        // Without this guard a misapplied setting would write into the repository's own data folder instead.
        var database = Service<IOptions<DatabaseOptions>>().Value;
        if (database.Kind == DatabaseProvider.Sqlite && !File.Exists(Path.Combine(DataFolder, "registry.db")))
            throw new InvalidOperationException($"The app did not create its database in {DataFolder} but at {database.SqliteFile}.");
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        if (Environment is { } environment) builder.UseEnvironment(environment);
        builder
            .UseSetting("Database:DataFolder", DataFolder)
            .UseSetting("Artifacts:Root", Path.Combine(DataFolder, "artifacts"))
            .UseSetting("Admin:Email", AdminEmail)
            .UseSetting("Admin:Password", AdminPassword);
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        if (FastPasswordHashing)
            // Every Basic call hashes the password; fewer PBKDF2 rounds keep hundreds of calls fast. Same code path.
            builder.ConfigureServices(services => services.Configure<PasswordHasherOptions>(o => o.IterationCount = 1000));
        if (ConfigureServices is { } configure) builder.ConfigureServices(configure);
    }

    /// <summary>UseKestrel registers Kestrel's own memory pool again; the app's goes back on top, so the app runs as deployed.</summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        builder.ConfigureServices(services => services.AddLargeBlockMemoryPool());
        return base.CreateHost(builder);
    }

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>A browser-like client: sends no credentials, keeps cookies, does not follow redirects (tests look at them).</summary>
    public HttpClient Browser() =>
        CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = BaseAddress, AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>A client that signs in as MLflow's does with a user name and password: HTTP Basic on every call.</summary>
    public HttpClient Basic(string login, string password)
    {
        var client = Browser();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{login}:{password}")));
        return client;
    }

    public HttpClient AdminClient() => Basic(AdminEmail, AdminPassword);

    public async Task<Actor> AdminAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        var admin = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(AdminEmail)
            ?? throw new InvalidOperationException("The app did not create its admin.");
        return new Actor(admin.Id);
    }

    /// <summary>A new account with a password, made by the admin through the service.</summary>
    public async Task<(Actor User, string Email, string Password)> UserAsync(params string[] roles)
    {
        var email = $"u{Guid.NewGuid():N}"[..12] + "@portal.test";
        const string password = "User-Passw0rd!";
        var created = await Service<UserAdminService>().CreateAsync(await AdminAsync(), new NewUser(email, null, roles, password));
        return (new Actor(created.User.Id), email, password);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools(); // pooled connections keep the database file open
        if (KeepData) return;
        try { Directory.Delete(DataFolder, recursive: true); } catch (IOException) { /* a temp folder left behind is harmless */ }
    }
}
