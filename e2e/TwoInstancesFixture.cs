using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.E2E;

/// <summary>
/// Two instances of the real app on Kestrel (127.0.0.1, free ports) over one PostgreSQL database on a private
/// server, sharing one artifact folder, as README's "Several instances" describes; and one headless Chromium.
/// The first instance migrates the empty database and makes the admin; the second finds both done.
/// </summary>
public sealed class TwoInstancesFixture : IAsyncLifetime
{
    public const string AdminEmail = "admin@scale.test";
    public const string AdminPassword = "Scale-Admin-Passw0rd!";

    private readonly string artifacts = Directory.CreateTempSubdirectory("registryportal-scale-").FullName;
    private PostgresServer? server;
    private IPlaywright? playwright;
    private IBrowser? browser;

    public Instance A { get; private set; } = null!;
    public Instance B { get; private set; } = null!;

    /// <summary>The database both instances use.</summary>
    public string ConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        server = await PostgresServer.StartAsync();
        ConnectionString = await server.CreateDatabaseAsync();
        A = Instance.Start(ConnectionString, artifacts);
        B = Instance.Start(ConnectionString, artifacts);
        Assertions.SetDefaultExpectTimeout(15_000);
        playwright = await Playwright.CreateAsync();
        browser = await RegistryPortal.Bench.DebianChromium.LaunchAsync(playwright);
    }

    /// <summary>A fresh, signed-out browser context whose relative URLs go to <paramref name="baseUrl"/> (its cookies go to both instances: cookies are per host, not per port).</summary>
    public Task<IBrowserContext> NewContextAsync(string baseUrl) => browser!.NewContextAsync(new() { BaseURL = baseUrl });

    public async ValueTask DisposeAsync()
    {
        if (browser is not null) await browser.DisposeAsync();
        playwright?.Dispose();
        if (B is not null) await B.DisposeAsync();
        if (A is not null) await A.DisposeAsync();
        if (server is not null) await server.DisposeAsync();
        Directory.Delete(artifacts, recursive: true);
    }

    /// <summary>One app instance: its address, services and API clients.</summary>
    public sealed class Instance : IAsyncDisposable
    {
        private readonly Factory factory;

        private Instance(Factory factory)
        {
            this.factory = factory;
            BaseUrl = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        }

        public string BaseUrl { get; }

        public T Service<T>() where T : notnull => factory.Services.GetRequiredService<T>();

        public static Instance Start(string connectionString, string artifacts)
        {
            var factory = new Factory(connectionString, artifacts);
            factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
            factory.StartServer();
            return new Instance(factory);
        }

        /// <summary>A client of this instance that sends no credentials and follows no redirects.</summary>
        public HttpClient Anonymous() =>
            new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(BaseUrl) };

        /// <summary>A client of this instance's API, as the admin over HTTP Basic.</summary>
        public HttpClient Admin()
        {
            var client = Anonymous();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AdminEmail}:{AdminPassword}")));
            return client;
        }

        public ValueTask DisposeAsync() => factory.DisposeAsync();
    }

    /// <summary>The app's own Program on PostgreSQL, with the shared artifact folder and a known admin.</summary>
    private sealed class Factory(string connectionString, string artifacts) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder) => builder
            .UseSetting("Database:Provider", "Postgres")
            .UseSetting("Database:ConnectionString", connectionString)
            .UseSetting("Artifacts:Root", artifacts)
            .UseSetting("Admin:Email", AdminEmail)
            .UseSetting("Admin:Password", AdminPassword);
    }
}

[CollectionDefinition(Name)]
public sealed class TwoInstancesCollection : ICollectionFixture<TwoInstancesFixture>
{
    public const string Name = "two-instances";
}
