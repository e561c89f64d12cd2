using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RegistryPortal.Data;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Bench;

/// <summary>
/// The real app (a <see cref="PortalHost"/>, Production environment) on Kestrel at 127.0.0.1 on a free port, over its
/// own data folder, with a known admin and an access token for the API.
/// </summary>
public sealed class BenchHost : IAsyncDisposable
{
    private readonly PortalHost host;

    private BenchHost(PortalHost host) => this.host = host.StartOnKestrel();

    public string DataFolder => host.DataFolder;
    public string ArtifactsFolder => host.ArtifactsFolder;
    public string BaseUrl => host.BaseUrl;
    public string AdminId { get; private set; } = "";
    public string Token { get; private set; } = "";
    public IServiceProvider Services => host.Services;

    /// <param name="dataFolder">A folder of the data, always left behind; none: a temporary one.</param>
    /// <param name="keepData">Leave a temporary data folder behind too.</param>
    /// <param name="extraSettings">Settings on top of the bench's own (an artifact store, say).</param>
    public static async Task<BenchHost> StartAsync(string? dataFolder, bool keepData, IReadOnlyDictionary<string, string?>? extraSettings = null)
    {
        var settings = new Dictionary<string, string?> { ["Demo:Seed"] = "false" };
        foreach (var (name, value) in extraSettings ?? new Dictionary<string, string?>()) settings[name] = value;
        var host = new BenchHost(dataFolder is null
            ? new PortalHost { Environment = Environments.Production, Settings = settings, KeepData = keepData }
            : new PortalHost { Environment = Environments.Production, Settings = settings, DataFolder = dataFolder, KeepData = true });
        var admin = await host.host.AdminAsync();
        host.AdminId = admin.UserId;
        host.Token = (await host.host.Service<AccessTokenService>().CreateAsync(admin, $"bench {DateTime.UtcNow:O}", DateTime.UtcNow.AddDays(1))).Secret;
        return host;
    }

    public IDbContextFactory<RegistryDbContext> Db => Services.GetRequiredService<IDbContextFactory<RegistryDbContext>>();

    /// <summary>A client that signs in as MLflow's does with MLFLOW_TRACKING_USERNAME/PASSWORD: HTTP Basic on every call.</summary>
    public HttpClient BasicClient()
    {
        var client = ApiClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{PortalHost.AdminEmail}:{PortalHost.AdminPassword}")));
        return client;
    }

    /// <summary>An HTTP client for the API, signed in with the admin's access token (Bearer), keeping connections alive.</summary>
    public HttpClient ApiClient(int maxConnections = 64)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = maxConnections, PooledConnectionLifetime = TimeSpan.FromMinutes(30) })
        {
            BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromMinutes(10),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    public ValueTask DisposeAsync() => host.DisposeAsync();
}
