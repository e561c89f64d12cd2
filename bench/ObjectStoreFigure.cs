using System.Diagnostics;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Bench;

/// <summary>
/// Figure 6, object stores: the same big file PUT to and GET from the artifact proxy of a portal whose
/// Artifacts:Store is AzureBlob (Azurite) or S3 (s3rver, path-style), each emulator on loopback and started here, so
/// the MB/s stand beside the file system's (<see cref="ArtifactFigure"/>). Each figure is the median of its rounds.
/// </summary>
public static class ObjectStoreFigure
{
    private const int Rounds = 3;
    private const double AzuriteTargetMbPerSecond = 300;

    public static async Task<List<Figure>> RunAsync(BenchOptions options, TextWriter log)
    {
        var azurite = await Azurite.SharedAsync();
        var container = await azurite.CreateContainerAsync();
        var figures = await MeasureAsync("Azure Blob (Azurite)", new Dictionary<string, string?>
        {
            ["Artifacts:Store"] = "AzureBlob", ["Artifacts:AzureBlob:ConnectionString"] = azurite.ConnectionString,
            ["Artifacts:AzureBlob:Container"] = container,
        }, AzuriteTargetMbPerSecond, options, log);

        var s3 = await S3Server.SharedAsync();
        var bucket = s3.Options(await s3.CreateBucketAsync());
        figures.AddRange(await MeasureAsync("S3 (s3rver)", new Dictionary<string, string?>
        {
            ["Artifacts:Store"] = "S3", ["Artifacts:S3:Bucket"] = bucket.Bucket, ["Artifacts:S3:ServiceUrl"] = bucket.ServiceUrl,
            ["Artifacts:S3:ForcePathStyle"] = "true", ["Artifacts:S3:AccessKeyId"] = bucket.AccessKeyId,
            ["Artifacts:S3:SecretAccessKey"] = bucket.SecretAccessKey,
        }, null, options, log));
        return figures;
    }

    private static async Task<List<Figure>> MeasureAsync(string store, Dictionary<string, string?> settings, double? target, BenchOptions options, TextWriter log)
    {
        await using var host = await BenchHost.StartAsync(null, keepData: false, settings);
        using var client = host.ApiClient();
        var folder = Directory.CreateTempSubdirectory("registryportal-bench-store-").FullName;
        try
        {
            var source = Path.Combine(folder, "source.bin");
            var downloaded = Path.Combine(folder, "downloaded.bin");
            var bytes = (long)options.ArtifactMb << 20;
            var mb = bytes / (double)(1 << 20);
            // One small untimed round first, so the rounds time the transfer and not the JIT or the first connections.
            await ArtifactFigure.WriteRandomFileAsync(source, Math.Min(bytes, 16L << 20));
            await ArtifactFigure.UploadAsync(client, source, "/api/2.0/mlflow-artifacts/artifacts/bench/warm-up.bin");
            await ArtifactFigure.DownloadAsync(client, "/api/2.0/mlflow-artifacts/artifacts/bench/warm-up.bin", downloaded);
            await ArtifactFigure.WriteRandomFileAsync(source, bytes);

            var (up, down) = (new List<double>(), new List<double>());
            for (var round = 0; round < Rounds; round++)
            {
                var path = $"/api/2.0/mlflow-artifacts/artifacts/bench/round-{round}/big-artifact.bin";
                up.Add(await TimeAsync(() => ArtifactFigure.UploadAsync(client, source, path)));
                down.Add(await TimeAsync(() => ArtifactFigure.DownloadAsync(client, path, downloaded)));
                ArtifactFigure.CheckAndDelete(downloaded, bytes);
            }
            Figure Speed(string what, List<double> times)
            {
                var speed = mb / ArtifactFigure.Median(times);
                var rounds = string.Join(" ", times.Select(t => (mb / t).ToString("0")));
                log.WriteLine($"  artifact {what}, {store}: {speed:0} MB/s (rounds {rounds} MB/s)");
                return new Figure($"artifact {what} {options.ArtifactMb} MB through the proxy, {store}", speed, null, "MB/s",
                    target is { } t ? $"≥ {t:0} MB/s" : "reported", target is not { } least || speed >= least, Rounds, $"median of {Rounds}; rounds {rounds} MB/s");
            }
            return [Speed("upload (PUT)", up), Speed("download (GET)", down)];
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<double> TimeAsync(Func<Task> transfer)
    {
        var watch = Stopwatch.StartNew();
        await transfer();
        return watch.Elapsed.TotalSeconds;
    }
}
