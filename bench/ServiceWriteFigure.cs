using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Security;

namespace RegistryPortal.Bench;

/// <summary>
/// Stage moves by many writers at once, calling the service directly instead of over HTTP: beside the HTTP writers'
/// figure it splits what the registry's own work costs (rules, queries, the transaction) from the transport's.
/// Run after the HTTP writers, so the write path is already optimised by the JIT.
/// </summary>
public static class ServiceWriteFigure
{
    private static readonly string[] Stages = ["None", "Staging", "Production", "Archived"];

    public static async Task<Figure> RunAsync(BenchHost host, BenchOptions options, TextWriter log)
    {
        var admin = new Actor(host.AdminId);
        var models = host.Services.GetRequiredService<ModelService>();
        var versions = host.Services.GetRequiredService<VersionService>();
        var stages = host.Services.GetRequiredService<StageService>();
        var names = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            var name = $"z-direct-{Guid.NewGuid():N}"[..20];
            await models.CreateAsync(admin, name);
            for (var v = 0; v < 4; v++) await versions.RegisterAsync(admin, new NewVersion(name, $"s3://bench/{name}/{v}"));
            names.Add(name);
        }

        var (moves, refusals) = (0, 0);
        var duration = TimeSpan.FromSeconds(Math.Max(3, options.ConcurrentSeconds / 3));
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, options.ConcurrentClients).Select(c => Task.Run(async () =>
        {
            var random = new Random(c);
            while (watch.Elapsed < duration)
            {
                try
                {
                    await stages.TransitionAsync(admin, names[random.Next(names.Count)], 1 + random.Next(4), Stages[random.Next(Stages.Length)]);
                    Interlocked.Increment(ref moves);
                }
                catch (RegistryError)
                {
                    Interlocked.Increment(ref refusals); // "already in Staging": a racing writer got there first
                }
            }
        })));
        var seconds = watch.Elapsed.TotalSeconds;
        var writes = moves + refusals;
        var cpuPerWrite = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / Math.Max(1, writes);
        log.WriteLine($"  {writes} stage moves through the service in {seconds:0.0} s ({writes / seconds:0} /s): {moves} done, {refusals} refused by a rule; {cpuPerWrite:0.00} ms CPU per write");
        return new Figure($"{options.ConcurrentClients} writers through the service (no HTTP): throughput", writes / seconds, null, "writes/s",
            "(splits the registry's cost from HTTP's)", true, writes, $"{moves} moves, {refusals} rule refusals; {cpuPerWrite:0.00} ms CPU per write",
            cpuPerWrite);
    }
}
