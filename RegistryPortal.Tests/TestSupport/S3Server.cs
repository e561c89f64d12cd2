using System.Diagnostics;
using Amazon.S3;
using Amazon.S3.Model;
using RegistryPortal.Storage;
using RegistryPortal.Storage.S3;

namespace RegistryPortal.Tests.TestSupport;

/// <summary>
/// An S3-compatible server for tests: s3rver from tools/emulators (<c>npm ci --prefix tools/emulators</c>) behind
/// tools/emulators/s3rver-complete.js, which fills in what s3rver lacks. One per test process, on 127.0.0.1 at a port
/// it picks, over a temp folder. <see cref="StopShared"/> kills it and deletes the folder (the test assemblies call it
/// from an assembly fixture, see <see cref="Azurite"/>); process exit does too. Missing Node or packages are an error,
/// never a skip.
/// </summary>
public sealed class S3Server
{
    public const string Key = "S3RVER"; // s3rver's built-in account; it checks no signatures here anyway
    private static readonly Lazy<Task<S3Server>> Shared = new(StartAsync);
    private static Action? stop;
    private int buckets;

    private S3Server(string serviceUrl) => ServiceUrl = serviceUrl;

    public string ServiceUrl { get; }

    public static Task<S3Server> SharedAsync() => Shared.Value;

    /// <summary>Stops the server and deletes its data, once; does nothing when it was never started.</summary>
    public static void StopShared() => Interlocked.Exchange(ref stop, null)?.Invoke();

    /// <summary>Options that reach <paramref name="bucket"/> on this server (path-style, fixed keys).</summary>
    public S3Options Options(string bucket, string? prefix = null) => new()
    {
        Bucket = bucket, ServiceUrl = ServiceUrl, ForcePathStyle = true, AccessKeyId = Key, SecretAccessKey = Key, Prefix = prefix,
    };

    /// <summary>A new, empty bucket of its own.</summary>
    public async Task<string> CreateBucketAsync()
    {
        var name = $"test-{Interlocked.Increment(ref buckets)}-{Guid.NewGuid():N}"[..30];
        using var client = Client();
        await client.PutBucketAsync(new PutBucketRequest { BucketName = name });
        return name;
    }

    /// <summary>An SDK client of this server, for what a test checks behind the store's back.</summary>
    public AmazonS3Client Client() => S3ArtifactStore.CreateClient(Options("any-bucket"));

    private static async Task<S3Server> StartAsync()
    {
        var emulators = Path.Combine(RepoRoot(), "tools", "emulators");
        if (!Directory.Exists(Path.Combine(emulators, "node_modules", "s3rver")))
            throw new InvalidOperationException(
                $"The S3 tests need s3rver from npm: run `npm ci --prefix tools/emulators --no-audit --no-fund` in the repo (test.sh does); {emulators}/node_modules/s3rver is missing.");
        var folder = Directory.CreateTempSubdirectory("registry-s3-").FullName;
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = emulators,
        };
        foreach (var a in new[] { Path.Combine(emulators, "s3rver-complete.js"), folder, "0" }) start.ArgumentList.Add(a);
        Process process;
        try { process = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("The S3 tests need Node.js (`node` on the PATH) to run s3rver: install Debian's nodejs.", e);
        }
        stop = () =>
        {
            try { process.Kill(entireProcessTree: true); process.WaitForExit(5000); } catch (InvalidOperationException) { /* already gone */ }
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { /* a temp folder left behind is harmless */ }
        };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopShared();
        var errors = process.StandardError.ReadToEndAsync();
        // The wrapper prints its address once it listens.
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (line is null || !line.StartsWith("s3rver listening on ", StringComparison.Ordinal))
            throw new InvalidOperationException($"s3rver did not start: {line} {(process.HasExited ? await errors : "")}");
        _ = process.StandardOutput.ReadToEndAsync(); // keep draining, so the server never blocks on a full pipe
        return new S3Server($"http://{line["s3rver listening on ".Length..].Trim()}");
    }

    /// <summary>The folder that holds RegistryPortal.sln, found from the test binaries upwards.</summary>
    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RegistryPortal.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No RegistryPortal.sln above {AppContext.BaseDirectory}.");
    }
}
