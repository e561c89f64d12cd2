using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Azure.Storage.Blobs;

namespace RegistryPortal.Tests.TestSupport;

/// <summary>
/// Azurite, Microsoft's storage emulator (its blob service), for tests: started once per test process from
/// tools/emulators (installed by <c>npm ci --prefix tools/emulators</c>, which test.sh runs), on 127.0.0.1 at a free
/// port with its data in a temp folder. <see cref="StopShared"/> stops it and deletes the folder: the test assemblies
/// call it from an assembly fixture, because the runner fails a run whose process takes more than 10 seconds to exit,
/// and killing Azurite and deleting gigabytes of blobs at process exit can take that long. Process exit stops it too,
/// for the bench. Each test takes a container of its own. A missing install is an error, never a skip.
/// </summary>
public sealed class Azurite
{
    /// <summary>Azurite's one account and its well-known key (published by Microsoft for the emulator).</summary>
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly Lazy<Task<Azurite>> Shared = new(StartAsync);
    private static Action? stop;
    private readonly BlobServiceClient service;

    private Azurite(int port)
    {
        BlobEndpoint = $"http://127.0.0.1:{port}/{AccountName}";
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={BlobEndpoint};";
        service = new BlobServiceClient(ConnectionString);
    }

    public string BlobEndpoint { get; }

    public string ConnectionString { get; }

    /// <summary>The one emulator of this test process, started by the first caller.</summary>
    public static Task<Azurite> SharedAsync() => Shared.Value;

    /// <summary>Stops the emulator and deletes its data, once; does nothing when it was never started.</summary>
    public static void StopShared() => Interlocked.Exchange(ref stop, null)?.Invoke();

    /// <summary>A new, empty container with a name no other test uses.</summary>
    public async Task<string> CreateContainerAsync()
    {
        var name = $"t{Guid.NewGuid():N}";
        await service.GetBlobContainerClient(name).CreateAsync();
        return name;
    }

    /// <summary>A client of one container, for looking at it past the store (what it holds, uncommitted blocks).</summary>
    public BlobContainerClient Container(string name) => service.GetBlobContainerClient(name);

    private static async Task<Azurite> StartAsync()
    {
        var program = Path.Combine(RepoRoot(), "tools", "emulators", "node_modules", ".bin", "azurite-blob");
        if (!File.Exists(program))
            throw new InvalidOperationException(
                $"The Azure Blob tests need Azurite ({program} is missing): run `npm ci --prefix tools/emulators --no-audit --no-fund` in the repository (test.sh does).");

        var folder = Directory.CreateTempSubdirectory("registry-azurite-").FullName;
        var port = FreePort();
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--blobHost", "127.0.0.1", "--blobPort", port.ToString(), "--location", folder,
                     "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry" })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        var output = new OutputTail(process);
        stop = () => Stop(process, folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopShared();

        var azurite = new Azurite(port);
        await azurite.WaitUntilAnsweringAsync(process, output);
        return azurite;
    }

    /// <summary>Asks the service for its properties until it answers; a process that ends first is an error with its output.</summary>
    private async Task WaitUntilAnsweringAsync(Process process, OutputTail output)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (process.HasExited) throw new InvalidOperationException($"Azurite stopped before it answered (exit code {process.ExitCode}): {output}");
            try
            {
                using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
                await probe.GetAsync($"{BlobEndpoint}?comp=list");
                return;
            }
            catch (HttpRequestException) when (attempt < 300) { }
            catch (TaskCanceledException) when (attempt < 300) { }
            await Task.Delay(100);
        }
    }

    private static void Stop(Process process, string folder)
    {
        try { if (!process.HasExited) process.Kill(entireProcessTree: true); process.WaitForExit(5000); }
        catch (InvalidOperationException) { /* already gone */ }
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { /* a temp folder left behind is harmless */ }
    }

    /// <summary>Walks up from the test binaries to the folder that holds RegistryPortal.sln.</summary>
    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RegistryPortal.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No RegistryPortal.sln above {AppContext.BaseDirectory}: the tests run from inside the repository.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The last lines Azurite printed (read as they come, so its pipes never fill), for the error when it fails to start.</summary>
    private sealed class OutputTail
    {
        private readonly Queue<string> lines = new();

        public OutputTail(Process process)
        {
            process.OutputDataReceived += (_, e) => Keep(e.Data);
            process.ErrorDataReceived += (_, e) => Keep(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        private void Keep(string? line)
        {
            if (line is null) return;
            lock (lines)
            {
                lines.Enqueue(line);
                if (lines.Count > 20) lines.Dequeue();
            }
        }

        public override string ToString()
        {
            lock (lines) return string.Join(Environment.NewLine, lines);
        }
    }
}
