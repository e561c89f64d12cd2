using System.Diagnostics;
using System.Net.Http.Headers;

namespace RegistryPortal.Bench;

/// <summary>
/// Figure 6: one big file PUT to and GET from the artifact proxy, each timed against <c>cp</c> of the same
/// file on the same disk (the app's data folder) and against the transport floor (<see cref="TransportFloor"/>:
/// the same bytes over loopback to a bare Kestrel endpoint), with the app's peak memory while it streams.
/// </summary>
public static class ArtifactFigure
{
    private const string Proxy = "/api/2.0/mlflow-artifacts/artifacts/bench/";
    private const long MemoryFlatBytes = 64L << 20;

    public static async Task<List<Figure>> RunAsync(BenchHost host, BenchOptions options, TextWriter log)
    {
        var folder = Directory.CreateDirectory(Path.Combine(host.DataFolder, "bench-files")).FullName;
        var source = Path.Combine(folder, "source.bin");
        var bytes = (long)options.ArtifactMb << 20;
        await WriteRandomFileAsync(source, bytes);
        var mb = bytes / (double)(1 << 20);

        using var client = host.ApiClient();
        await using var floor = await TransportFloor.StartAsync(Directory.CreateDirectory(Path.Combine(folder, "floor")).FullName);
        using var floorClient = new HttpClient { BaseAddress = new Uri(floor.BaseUrl), Timeout = TimeSpan.FromMinutes(10) };
        var (baseline, _) = PageFigures.Memory();
        // Rounds of cp, floor and portal up, floor and portal down, each figure the median of its rounds: a shared
        // disk and page cache make single runs swing by a factor of two, and interleaving exposes all to the same.
        var (cpTimes, floorUpTimes, uploadTimes, floorDownTimes, downloadTimes) = (new List<double>(), new List<double>(), new List<double>(), new List<double>(), new List<double>());
        long uploadPeak = 0, downloadPeak = 0;
        var copy = Path.Combine(folder, "cp-copy.bin");
        var downloaded = Path.Combine(folder, "downloaded.bin");
        // One small untimed round first, so the rounds time the transfer and not the JIT compiling its code.
        var warmUp = Path.Combine(folder, "warm-up.bin");
        await WriteRandomFileAsync(warmUp, Math.Min(bytes, 64L << 20));
        foreach (var (http, path) in new[] { (client, Proxy + "warm-up.bin"), (floorClient, "/warm-up.bin") })
        {
            await UploadAsync(http, warmUp, path);
            await DownloadAsync(http, path, downloaded);
        }
        File.Delete(warmUp);
        File.Delete(downloaded);
        for (var round = 0; round < Rounds; round++)
        {
            // Each round uploads a new artifact, as cp writes a new file: replacing one would also time freeing it.
            var path = $"{Proxy}round-{round}/big-artifact.bin";
            var floorPath = $"/round-{round}.bin";
            async Task<double> FloorUploadAsync() => (await TimeAsync(() => UploadAsync(floorClient, source, floorPath))).Seconds;
            async Task<double> FloorDownloadAsync()
            {
                var (seconds, _) = await TimeAsync(() => DownloadAsync(floorClient, floorPath, downloaded));
                CheckAndDelete(downloaded, bytes);
                return seconds;
            }
            cpTimes.Add(await CpAsync(source, copy));
            File.Delete(copy);
            // Who goes first alternates by round: the first transfer after the uploads runs while the kernel writes
            // their 2 GB back to disk, and was the slower by up to 3× (an even count of rounds gives each side half).
            var floorFirst = round % 2 == 0;
            if (floorFirst) floorUpTimes.Add(await FloorUploadAsync());
            var (up, upPeak) = await TimeAsync(() => UploadAsync(client, source, path));
            uploadTimes.Add(up);
            uploadPeak = Math.Max(uploadPeak, upPeak);
            if (!floorFirst) floorUpTimes.Add(await FloorUploadAsync());
            var stored = Directory.EnumerateFiles(host.ArtifactsFolder, "big-artifact.bin", SearchOption.AllDirectories).Single();
            if (new FileInfo(stored).Length != bytes) throw new InvalidOperationException("The uploaded artifact has the wrong size.");

            if (floorFirst) floorDownTimes.Add(await FloorDownloadAsync());
            var (down, downPeak) = await TimeAsync(() => DownloadAsync(client, path, downloaded));
            CheckAndDelete(downloaded, bytes);
            downloadTimes.Add(down);
            downloadPeak = Math.Max(downloadPeak, downPeak);
            if (!floorFirst) floorDownTimes.Add(await FloorDownloadAsync());
            File.Delete(stored);
            File.Delete(Path.Combine(floor.Folder, floorPath.TrimStart('/')));
        }
        File.Delete(source);
        var cpSeconds = Median(cpTimes);
        string Speeds(List<double> times) => string.Join(" ", times.Select(t => (mb / t).ToString("0")));

        List<Figure> Speed(string what, List<double> times, List<double> floorTimes, long peak)
        {
            var (seconds, floorSeconds) = (Median(times), Median(floorTimes));
            var (toCp, toFloor) = (cpSeconds / seconds, floorSeconds / seconds);
            var growth = Math.Max(0, peak - baseline);
            var flat = growth <= MemoryFlatBytes;
            log.WriteLine($"  artifact {what}: {mb / seconds:0} MB/s, floor {mb / floorSeconds:0} MB/s (ratio {toFloor:0.00}), cp {mb / cpSeconds:0} MB/s (ratio {toCp:0.00}); " +
                $"managed heap +{growth >> 20} MB at peak; rounds {Speeds(times)} MB/s, floor {Speeds(floorTimes)} MB/s, cp {Speeds(cpTimes)} MB/s");
            var speeds = $"median of {Rounds}: {mb / seconds:0} MB/s vs floor {mb / floorSeconds:0} MB/s, cp {mb / cpSeconds:0} MB/s";
            var heap = $"managed heap +{growth / (double)(1 << 20):0} MB at peak";
            return
            [
                new Figure($"artifact {what} {options.ArtifactMb} MB, speed / cp speed", toCp, null, "×", "≥ 0.5 × cp; memory flat (≤ +64 MB)",
                    toCp >= 0.5 && flat, Rounds, $"{speeds}; {heap}"),
                new Figure($"artifact {what} {options.ArtifactMb} MB, speed / transport floor", toFloor, null, "×", "≥ 0.8 × floor",
                    toFloor >= 0.8, Rounds, speeds),
            ];
        }
        return [.. Speed("upload (PUT)", uploadTimes, floorUpTimes, uploadPeak), .. Speed("download (GET)", downloadTimes, floorDownTimes, downloadPeak)];
    }

    /// <summary>A transfer's seconds and the managed heap's highest meanwhile.</summary>
    private static async Task<(double Seconds, long HeapPeak)> TimeAsync(Func<Task> transfer)
    {
        using var sampler = new MemorySampler();
        var watch = Stopwatch.StartNew();
        await transfer();
        return (watch.Elapsed.TotalSeconds, sampler.Peak);
    }

    internal static void CheckAndDelete(string file, long bytes)
    {
        if (new FileInfo(file).Length != bytes) throw new InvalidOperationException($"The downloaded artifact has {new FileInfo(file).Length} bytes, not {bytes}.");
        File.Delete(file);
    }

    private const int Rounds = 6;

    internal static async Task UploadAsync(HttpClient client, string file, string path)
    {
        await using var content = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        using var body = new StreamContent(content, 1 << 18);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        body.Headers.ContentLength = content.Length;
        using var response = await client.PutAsync(path, body);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"PUT answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    internal static async Task DownloadAsync(HttpClient client, string path, string file)
    {
        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        await SaveAsync(body, file, response.Content.Headers.ContentLength);
    }

    internal static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    internal static async Task WriteRandomFileAsync(string path, long bytes)
    {
        var buffer = new byte[256 << 10];
        new Random(3).NextBytes(buffer);
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        for (long written = 0; written < bytes; written += buffer.Length)
        {
            buffer[0]++; // not one block repeated, so no layer can cheat by deduplicating
            await file.WriteAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, bytes - written)));
        }
    }

    /// <summary>
    /// Writes a download as an efficient client would: space reserved for the announced length, and each
    /// 256 KB read written in place (a FileStream without a buffer hops to the thread pool per write).
    /// </summary>
    private static async Task SaveAsync(Stream body, string path, long? length)
    {
        using var file = File.OpenHandle(path, FileMode.Create, FileAccess.Write, FileShare.None, preallocationSize: length ?? 0);
        var buffer = new byte[256 << 10];
        long written = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            RandomAccess.Write(file, buffer.AsSpan(0, read), written);
            written += read;
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
