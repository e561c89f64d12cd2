using System.Diagnostics;
using System.Text.Json;

namespace RegistryPortal.Bench;

/// <summary>Warm-up, then sequential timed calls; each call's time in milliseconds.</summary>
public static class Measure
{
    public static async Task<List<double>> RepeatAsync(int count, Func<int, Task> call) => (await TimedAsync(count, call)).Samples;

    /// <summary>
    /// As <see cref="RepeatAsync"/>, and the CPU time this process (app and client) spent per call: on a machine
    /// shared with others, wall-clock times wait for a core, CPU time does not.
    /// </summary>
    public static async Task<(List<double> Samples, double CpuMsPerCall)> TimedAsync(int count, Func<int, Task> call)
    {
        var warmUp = Math.Clamp(count / 10, 3, 20);
        for (var i = 0; i < warmUp; i++) await call(i);
        var samples = new List<double>(count);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < count; i++)
        {
            var watch = Stopwatch.StartNew();
            await call(warmUp + i);
            samples.Add(watch.Elapsed.TotalMilliseconds);
        }
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        return (samples, cpu.TotalMilliseconds / count);
    }

    /// <summary>GETs <paramref name="url"/>, reads the whole body, and fails on anything but 200.</summary>
    public static async Task<string> GetAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {url} answered {(int)response.StatusCode}: {Truncate(body)}");
        return body;
    }

    public static async Task<JsonDocument> GetJsonAsync(HttpClient client, string url) => JsonDocument.Parse(await GetAsync(client, url));

    public static string Truncate(string text, int length = 300) => text.Length <= length ? text : text[..length] + "…";
}
