using System.Collections;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Data;
using RegistryPortal.Search;
using RegistryPortal.Security;
using RegistryPortal.Tests.Api;

namespace RegistryPortal.Tests.Cli;

/// <summary>
/// The same app (<see cref="ApiFactory"/>) on Kestrel at 127.0.0.1 with a random port, so the CLI runs with its
/// own default HttpClient over real sockets: streamed uploads and downloads as a CI job would send them.
/// </summary>
public sealed class KestrelApp : IAsyncLifetime
{
    private readonly string folder = Directory.CreateTempSubdirectory("registryportal-cli-").FullName;
    private ApiFactory? factory;

    public string Url { get; private set; } = "";

    /// <summary>A personal access token of the admin, who holds Manage on every model.</summary>
    public string Token { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        factory = new ApiFactory(folder);
        factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        Url = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        await using var scope = factory.Services.CreateAsyncScope();
        var admin = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(ApiApp.AdminEmail);
        Token = (await factory.Services.GetRequiredService<AccessTokenService>().CreateAsync(new Actor(admin!.Id), "ci", DateTime.UtcNow.AddDays(1))).Secret;
    }

    public Task<CliResult> RunAsync(params string[] args) =>
        CliHarness.RunAsync(null, new Hashtable { ["REGISTRY_URL"] = Url, ["REGISTRY_TOKEN"] = Token }, args);

    public async ValueTask DisposeAsync()
    {
        if (factory is not null) await factory.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { /* a temp folder left behind is harmless */ }
    }
}

public sealed class KestrelCliTests(KestrelApp app) : IClassFixture<KestrelApp>, IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("registry-cli-kestrel-").FullName;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    [Fact]
    public async Task Create_register_a_folder_promote_and_download_it_over_http()
    {
        var model = ApiApp.Unique("tcp");
        var upload = Path.Combine(scratch, "model");
        Directory.CreateDirectory(Path.Combine(upload, "metadata"));
        var weights = Enumerable.Range(0, 2_000_000).Select(i => (byte)(i % 251)).ToArray(); // larger than any one buffer
        await File.WriteAllBytesAsync(Path.Combine(upload, "model.bin"), weights);
        await File.WriteAllTextAsync(Path.Combine(upload, "metadata", "MLmodel"), "flavors: {}\n");

        (await app.RunAsync("models", "create", "--name", model)).Succeeded($"Registered model '{model}' created.");
        var registered = await app.RunAsync("models", "register", "--model-name", model, "--path", upload);
        Assert.True(registered.ExitCode == 0 && registered.Stdout.EndsWith($"Created version '1' of model '{model}' (READY).{Environment.NewLine}"), registered.ToString());
        (await app.RunAsync("models", "transition-stage", "--model-name", model, "--version", "1", "--stage", "Staging"))
            .Succeeded($"Model version '1' of model '{model}' transitioned to stage 'Staging'.");
        var dest = Path.Combine(scratch, "out");
        (await app.RunAsync("models", "download", "--model-uri", $"models:/{model}/Staging", "--dest", dest))
            .Succeeded($"Downloaded version '1' of model '{model}' to {dest} (2 files, {weights.Length + 12} bytes).");

        Assert.Equal(weights, await File.ReadAllBytesAsync(Path.Combine(dest, "model.bin")));
        Assert.Equal("flavors: {}\n", await File.ReadAllTextAsync(Path.Combine(dest, "metadata", "MLmodel")));
    }
}
