using static RegistryPortal.Bench.Measure;

namespace RegistryPortal.Bench;

/// <summary>Figures 1–3: the registry API's searches and gets, over HTTP with the admin's access token.</summary>
public static class ApiFigures
{
    /// <summary>Issue 18's targets: every search p95 ≤ 8 ms, every get p95 ≤ 2 ms.</summary>
    private static (double Ms, string Text) TargetOf(string figure) => figure.Contains("search") ? (8, "p95 ≤ 8 ms") : (2, "p95 ≤ 2 ms");

    public static async Task<List<Figure>> RunAsync(BenchHost host, GeneratedRegistry registry, BenchOptions options, TextWriter log)
    {
        using var client = host.ApiClient();
        using var basic = host.BasicClient();
        var random = new Random(7);
        var figures = new List<Figure>();
        var n = options.Requests;
        var calls = ApiFigureCalls.For(registry, client, basic, random, host.Db);
        string SomeModel() => registry.ModelNames[1 + random.Next(registry.ModelNames.Count - 1)];

        await WarmUpAsync(calls, minRounds: Math.Clamp(n / 4, 5, 50), log);
        foreach (var (name, call, before) in calls)
        {
            var timed = await TimedAsync(n, call, before);
            var (targetMs, target) = TargetOf(name);
            var figure = Stats.Latency(name, timed.Samples, targetMs, target, timed.Note) with { CpuMsPerRequest = timed.CpuMsPerCall };
            log.WriteLine($"  {figure.Name}: p50 {figure.P50:0.0} ms, p95 {figure.P95:0.0} ms, {timed.Note}");
            figures.Add(figure);
        }
        var seconds = Math.Max(1, options.ConcurrentSeconds / 6);
        foreach (var (scheme, http) in new[] { ("Bearer token", client), ("Basic user and password", basic) })
            figures.Add(await ThroughputAsync($"reads/s of registered models, {options.ConcurrentClients} clients, {scheme}", http,
                () => ApiFigureCalls.GetModel(SomeModel()), options.ConcurrentClients, seconds, log));
        return figures;
    }

    /// <summary>As many gets as <paramref name="clients"/> concurrent callers complete in <paramref name="seconds"/>.</summary>
    private static async Task<Figure> ThroughputAsync(string name, HttpClient client, Func<string> url, int clients, int seconds, TextWriter log)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        var done = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            while (DateTime.UtcNow < until)
            {
                await DrainAsync(client, url());
                Interlocked.Increment(ref done);
            }
        }));
        var perSecond = done / watch.Elapsed.TotalSeconds;
        log.WriteLine($"  {name}: {perSecond:0} reads/s ({done} in {watch.Elapsed.TotalSeconds:0.0} s)");
        return new Figure(name, perSecond, null, "reads/s", "≥ 1,000 reads/s", perSecond >= 1000, done, $"{done} reads in {watch.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>
    /// Runs every call in rounds until the JIT has finished optimising their code paths: tiered compilation
    /// recompiles hot methods in the background, and puts that off while new methods are still being compiled,
    /// so a fixed number of rounds left the first figures timed on unoptimised code, beside the JIT's own
    /// thread (p50 13 ms in the benchmark against 8 ms in a warm process). Done once the JIT compiled almost
    /// nothing for <see cref="QuietFor"/> of rounds, after at least <paramref name="minRounds"/>, within two minutes.
    /// A call's untimed step runs before it here too: warmed up without it, the uncached search was timed on a path
    /// whose reads were still being compiled.
    /// </summary>
    private static async Task WarmUpAsync(IReadOnlyList<ApiCall> calls, int minRounds, TextWriter log)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var rounds = 0;
        var quietSince = TimeSpan.Zero;
        while (rounds < minRounds || (watch.Elapsed - quietSince < QuietFor && watch.Elapsed < TimeSpan.FromMinutes(2)))
        {
            var compiledBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
            foreach (var (_, call, before) in calls)
            {
                if (before is not null) await before();
                await call(rounds);
            }
            if (System.Runtime.JitInfo.GetCompiledMethodCount() - compiledBefore > QuietRoundMethods) quietSince = watch.Elapsed;
            rounds++;
        }
        log.WriteLine($"  warm-up: {rounds} rounds of every call in {watch.Elapsed.TotalSeconds:0} s, the last {QuietFor.TotalSeconds:0} s with the JIT compiling at most {QuietRoundMethods} methods a round");
    }

    private const int QuietRoundMethods = 2;
    private static readonly TimeSpan QuietFor = TimeSpan.FromSeconds(3);
}
