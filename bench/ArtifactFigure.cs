using System.Diagnostics;
using System.Net.Http.Headers;

namespace RegistryPortal.Bench;

/// <summary>
/// Figure 6: one big file PUT to and GET from the artifact proxy, each timed against <c>cp</c> of the same
/// file on the same disk (the app's data folder), with the app's peak memory while it streams.
/// </summary>
public static class ArtifactFigure
{
    private const string Path_ = "/api/2.0/mlflow-artifacts/artifacts/bench/big-artifact.bin";
    private const long MemoryFlatBytes = 64L << 20;

    public static async Task<List<Figure>> RunAsync(BenchHost host, BenchOptions options, TextWriter log)
    {
        var folder = Directory.CreateDirectory(Path.Combine(host.DataFolder, "bench-files")).FullName;
        var source = Path.Combine(folder, "source.bin");
        var bytes = (long)options.ArtifactMb << 20;
        await WriteRandomFileAsync(source, bytes);
        var mb = bytes / (double)(1 << 20);

        var cpSeconds = await CpAsync(source, Path.Combine(folder, "cp-copy.bin"));
        File.Delete(Path.Combine(folder, "cp-copy.bin"));
        using var client = host.ApiClient();

        var (baseline, _) = PageFigures.Memory();
        double upload, download;
        long uploadPeak, downloadPeak;
        using (var sampler = new MemorySampler())
        {
            var watch = Stopwatch.StartNew();
            await using var file = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            using var content = new StreamContent(file, 1 << 16);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Headers.ContentLength = bytes;
            using var response = await client.PutAsync(Path_, content);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"PUT answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            upload = watch.Elapsed.TotalSeconds;
            uploadPeak = sampler.Peak;
        }
        var stored = Directory.EnumerateFiles(host.ArtifactsFolder, "big-artifact.bin", SearchOption.AllDirectories).Single();
        if (new FileInfo(stored).Length != bytes) throw new InvalidOperationException("The uploaded artifact has the wrong size.");

        var downloaded = Path.Combine(folder, "downloaded.bin");
        using (var sampler = new MemorySampler())
        {
            var watch = Stopwatch.StartNew();
            using var response = await client.GetAsync(Path_, HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            await using (var body = await response.Content.ReadAsStreamAsync())
            await using (var file = new FileStream(downloaded, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await body.CopyToAsync(file, 1 << 16);
            }
            download = watch.Elapsed.TotalSeconds;
            downloadPeak = sampler.Peak;
        }
        if (new FileInfo(downloaded).Length != bytes) throw new InvalidOperationException("The downloaded artifact has the wrong size.");
        foreach (var f in new[] { source, downloaded, stored }) File.Delete(f);

        Figure Speed(string what, double seconds, long peak)
        {
            var ratio = cpSeconds / seconds;
            var growth = Math.Max(0, peak - baseline);
            var met = ratio >= 0.5 && growth <= MemoryFlatBytes;
            log.WriteLine($"  artifact {what}: {mb / seconds:0} MB/s, cp {mb / cpSeconds:0} MB/s, ratio {ratio:0.00}; managed heap +{growth >> 20} MB at peak");
            return new Figure($"artifact {what} {options.ArtifactMb} MB, speed / cp speed", ratio, null, "×", "≥ 0.5 × cp; memory flat (≤ +64 MB)", met, 1,
                $"{mb / seconds:0} MB/s vs cp {mb / cpSeconds:0} MB/s; managed heap +{growth / (double)(1 << 20):0} MB at peak");
        }
        return [Speed("upload (PUT)", upload, uploadPeak), Speed("download (GET)", download, downloadPeak)];
    }

    private static async Task WriteRandomFileAsync(string path, long bytes)
    {
        var buffer = new byte[1 << 20];
        new Random(3).NextBytes(buffer);
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        for (long written = 0; written < bytes; written += buffer.Length)
        {
            buffer[0]++; // not one block repeated, so no layer can cheat by deduplicating
            await file.WriteAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, bytes - written)));
        }
    }

    private static async Task<double> CpAsync(string from, string to)
    {
        var watch = Stopwatch.StartNew();
        using var cp = Process.Start(new ProcessStartInfo("cp", [from, to]) { UseShellExecute = false })!;
        await cp.WaitForExitAsync();
        if (cp.ExitCode != 0) throw new InvalidOperationException($"cp failed with {cp.ExitCode}.");
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>Samples the managed heap every 20 ms; Peak is the highest seen.</summary>
    private sealed class MemorySampler : IDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly Task loop;
        private long peak;

        public MemorySampler() => loop = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var now = GC.GetTotalMemory(false);
                if (now > Interlocked.Read(ref peak)) Interlocked.Exchange(ref peak, now);
                try { await Task.Delay(20, stop.Token); } catch (OperationCanceledException) { }
            }
        });

        public long Peak => Interlocked.Read(ref peak);

        public void Dispose()
        {
            stop.Cancel();
            loop.Wait();
            stop.Dispose();
        }
    }
}
