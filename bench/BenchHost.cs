using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RegistryPortal.Api;
using RegistryPortal.Data;
using RegistryPortal.Security;

namespace RegistryPortal.Bench;

/// <summary>
/// The real app (the portal's Program, Production environment) on Kestrel at 127.0.0.1 on a free port,
/// over its own temporary data folder, with a known admin and an access token for the API.
/// </summary>
public sealed class BenchHost : IAsyncDisposable
{
    public const string AdminEmail = "admin@bench.local";
    public const string AdminPassword = "Bench-Admin-Passw0rd!";

    private readonly HostFactory factory;

    private BenchHost(string folder)
    {
        DataFolder = folder;
        factory = new HostFactory(folder);
        factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        BaseUrl = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
    }

    public string DataFolder { get; }
    public string ArtifactsFolder => Path.Combine(DataFolder, "artifacts");
    public string BaseUrl { get; }
    public string AdminId { get; private set; } = "";
    public string Token { get; private set; } = "";
    public IServiceProvider Services => factory.Services;

    public static async Task<BenchHost> StartAsync(string? dataFolder = null)
    {
        var host = dataFolder is null
            ? new BenchHost(Directory.CreateTempSubdirectory("registryportal-bench-").FullName)
            : new BenchHost(Directory.CreateDirectory(dataFolder).FullName) { KeepData = true };
        await using var scope = host.Services.CreateAsyncScope();
        var admin = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(AdminEmail)
            ?? throw new InvalidOperationException("The app did not create the bench's admin.");
        host.AdminId = admin.Id;
        var token = await host.Services.GetRequiredService<AccessTokenService>()
            .CreateAsync(new Actor(admin.Id), $"bench {DateTime.UtcNow:O}", DateTime.UtcNow.AddDays(1));
        host.Token = token.Secret;
        return host;
    }

    public IDbContextFactory<RegistryDbContext> Db => Services.GetRequiredService<IDbContextFactory<RegistryDbContext>>();

    /// <summary>An HTTP client for the API, signed in with the admin's access token (Bearer), keeping connections alive.</summary>
    /// <summary>A client that signs in as MLflow's does with MLFLOW_TRACKING_USERNAME/PASSWORD: HTTP Basic on every call.</summary>
    public HttpClient BasicClient()
    {
        var client = ApiClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{AdminEmail}:{AdminPassword}")));
        return client;
    }

    public HttpClient ApiClient(int maxConnections = 64)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = maxConnections, PooledConnectionLifetime = TimeSpan.FromMinutes(30) })
        {
            BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromMinutes(10),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    /// <summary>Leave the data folder behind when disposed.</summary>
    public bool KeepData { get; set; }

    public async ValueTask DisposeAsync()
    {
        await factory.DisposeAsync();
        SqliteConnection.ClearAllPools(); // pooled connections keep the database file open
        if (KeepData) return;
        try { Directory.Delete(DataFolder, recursive: true); } catch (IOException) { /* a temp folder left behind is harmless */ }
    }

    private sealed class HostFactory(string folder) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder) => builder
            .UseEnvironment(Environments.Production)
            .UseSetting("Database:DataFolder", folder)
            .UseSetting("Artifacts:Root", Path.Combine(folder, "artifacts"))
            .UseSetting("Admin:Email", AdminEmail)
            .UseSetting("Admin:Password", AdminPassword)
            .UseSetting("Demo:Seed", "false");

        /// <summary>UseKestrel above registers Kestrel's own memory pool again; the app's, as Program registers it, goes back on top.</summary>
        protected override IHost CreateHost(IHostBuilder builder)
        {
            builder.ConfigureServices(services => services.AddLargeBlockMemoryPool());
            return base.CreateHost(builder);
        }
    }
}
