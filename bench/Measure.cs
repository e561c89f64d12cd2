using System.Diagnostics;
using System.Text.Json;

namespace RegistryPortal.Bench;

/// <summary>Warm-up, then sequential timed calls; each call's time in milliseconds.</summary>
public static class Measure
{
    public static async Task<List<double>> RepeatAsync(int count, Func<int, Task> call) => (await TimedAsync(count, call)).Samples;

    /// <summary>
    /// As <see cref="RepeatAsync"/>, with the CPU time this process (app and client) spent per call and the garbage
    /// collector's pauses: on a machine shared with others, wall-clock times wait for a core, CPU time does not.
    /// <paramref name="before"/>, when given, runs before each call and is neither timed nor counted. CPU time is read per
    /// call from <see cref="Environment.CpuUsage"/> (getrusage, to the microsecond; the process's stat counts 10 ms ticks).
    /// </summary>
    public static async Task<Timed> TimedAsync(int count, Func<int, Task> call, Func<Task>? before = null)
    {
        var warmUp = Math.Clamp(count / 10, 3, 20);
        for (var i = 0; i < warmUp; i++)
        {
            if (before is not null) await before();
            await call(i);
        }
        var samples = new List<double>(count);
        var (cpu, paused, collections) = (TimeSpan.Zero, TimeSpan.Zero, 0);
        for (var i = 0; i < count; i++)
        {
            if (before is not null) await before();
            var cpuBefore = Environment.CpuUsage.TotalTime;
            var (pausedBefore, collectionsBefore) = (GC.GetTotalPauseDuration(), GC.CollectionCount(0));
            var watch = Stopwatch.StartNew();
            await call(warmUp + i);
            samples.Add(watch.Elapsed.TotalMilliseconds);
            cpu += Environment.CpuUsage.TotalTime - cpuBefore;
            (paused, collections) = (paused + GC.GetTotalPauseDuration() - pausedBefore, collections + GC.CollectionCount(0) - collectionsBefore);
        }
        return new Timed(samples, cpu.TotalMilliseconds / count, paused.TotalMilliseconds / count, collections);
    }

    /// <summary>Each call's milliseconds, and per call: CPU of the whole process and GC pause; GCs is the count of collections.</summary>
    public sealed record Timed(List<double> Samples, double CpuMsPerCall, double GcPauseMsPerCall, int Gcs)
    {
        public string Note => $"CPU {CpuMsPerCall:0.0} ms/request, GC pauses {GcPauseMsPerCall:0.0} ms/request ({Gcs} GCs)";
    }

    /// <summary>GETs <paramref name="url"/>, reads the whole body, and fails on anything but 200.</summary>
    public static async Task<string> GetAsync(HttpClient client, string url)
    {
        using var response = await OkAsync(client, url);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>
    /// GETs <paramref name="url"/> and reads the whole body into one reused buffer, failing on anything but 200. The
    /// client shares the app's process and garbage collector here, so building a string of every answer would
    /// charge the client's allocations to the server's pauses.
    /// </summary>
    public static async Task<long> DrainAsync(HttpClient client, string url)
    {
        using var response = await OkAsync(client, url);
        await using var body = await response.Content.ReadAsStreamAsync();
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(DrainBuffer)) > 0) total += read;
        return total;
    }

    [ThreadStatic] private static byte[]? drainBuffer;
    private static byte[] DrainBuffer => drainBuffer ??= new byte[1 << 16];

    /// <summary>GETs <paramref name="url"/> and parses the body as it streams in, failing on anything but 200.</summary>
    public static async Task<JsonDocument> GetJsonAsync(HttpClient client, string url)
    {
        using var response = await OkAsync(client, url);
        await using var body = await response.Content.ReadAsStreamAsync();
        return await JsonDocument.ParseAsync(body);
    }

    /// <summary>The answer to a GET of <paramref name="url"/>, its body still to read; anything but 200 fails with what the body says.</summary>
    private static async Task<HttpResponseMessage> OkAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        if (response.IsSuccessStatusCode) return response;
        using (response)
            throw new InvalidOperationException($"GET {url} answered {(int)response.StatusCode}: {Truncate(await response.Content.ReadAsStringAsync())}");
    }

    public static string Truncate(string text, int length = 300) => text.Length <= length ? text : text[..length] + "…";
}
