using System.Collections;
using RegistryPortal.Search;
using RegistryPortal.Security;
using RegistryPortal.Tests.Api;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Cli;

/// <summary>
/// The app (a <see cref="PortalHost"/>) on Kestrel at 127.0.0.1 with a random port, so the CLI runs with its own default
/// HttpClient over real sockets: streamed uploads and downloads as a CI job would send them.
/// </summary>
public sealed class KestrelApp : IAsyncLifetime
{
    private readonly PortalHost host = new();

    public string Url => host.BaseUrl;

    /// <summary>A personal access token of the admin, who holds Manage on every model.</summary>
    public string Token { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        host.StartOnKestrel();
        Token = (await host.Service<AccessTokenService>().CreateAsync(await host.AdminAsync(), "ci", DateTime.UtcNow.AddDays(1))).Secret;
    }

    public Task<CliResult> RunAsync(params string[] args) =>
        CliHarness.RunAsync(null, new Hashtable { ["REGISTRY_URL"] = Url, ["REGISTRY_TOKEN"] = Token }, args);

    public ValueTask DisposeAsync() => host.DisposeAsync();
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
