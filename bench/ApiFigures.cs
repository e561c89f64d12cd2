using System.Text.Json;
using static RegistryPortal.Bench.Measure;

namespace RegistryPortal.Bench;

/// <summary>Figures 1–3: the registry API's searches and gets, over HTTP with the admin's access token.</summary>
public static class ApiFigures
{
    private const double TargetMs = 15;
    private const string Target = "p95 ≤ 15 ms";
    private const string Api = "/api/2.0/mlflow/";

    public static async Task<List<Figure>> RunAsync(BenchHost host, GeneratedRegistry registry, BenchOptions options, TextWriter log)
    {
        using var client = host.ApiClient();
        var random = new Random(7);
        var figures = new List<Figure>();
        var n = options.Requests;
        string Q(string s) => Uri.EscapeDataString(s);
        string SomeModel() => registry.ModelNames[1 + random.Next(registry.ModelNames.Count - 1)];

        var calls = new List<(string Name, Func<int, Task> Call)>();
        void Add(string name, Func<int, Task> call) => calls.Add((name, call));

        var searchModels = Api + "registered-models/search?max_results=100";
        Add("models search, no filter", _ => DrainAsync(client, searchModels));
        Add("models search, name LIKE 'm12%'", _ => DrainAsync(client, searchModels + "&filter=" + Q("name LIKE 'm12%'")));
        Add("models search, tags.team = 'risk'", _ => DrainAsync(client, searchModels + "&filter=" + Q("tags.team = 'risk'")));
        var modelPages = new TokenWalk(client, searchModels, "registered_models", maxPages: 10);
        Add("models search, 10 pages by page token (per page)", _ => modelPages.NextAsync());

        var searchVersions = Api + "model-versions/search?";
        Add("versions search, name = '…'", _ => DrainAsync(client, searchVersions + "filter=" + Q($"name = '{SomeModel()}'")));
        Add("versions search, run_id IN (10 ids)", _ =>
        {
            var ids = Enumerable.Range(0, 10).Select(_ => registry.RunIds[random.Next(registry.RunIds.Count)]);
            return DrainAsync(client, searchVersions + "filter=" + Q($"run_id IN ({string.Join(", ", ids.Select(id => $"'{id}'"))})"));
        });
        var bigPages = new TokenWalk(client, searchVersions + "max_results=100&filter=" + Q($"name = '{registry.BigModel}'"), "model_versions", maxPages: int.MaxValue);
        Add($"versions search, {registry.BigModelVersions:N0}-version model, 100 per page (per page)", _ => bigPages.NextAsync());

        Add($"get-latest-versions ({registry.BigModelVersions:N0}-version model)", _ =>
            DrainAsync(client, Api + "registered-models/get-latest-versions?name=" + Q(registry.BigModel)));
        Add("get-latest-versions (other models)", _ => DrainAsync(client, Api + "registered-models/get-latest-versions?name=" + Q(SomeModel())));
        Add("get-download-uri", _ =>
        {
            var model = SomeModel();
            return DrainAsync(client, $"{Api}model-versions/get-download-uri?name={Q(model)}&version={1 + random.Next(Math.Max(1, registry.VersionsOf(model)))}");
        });
        Add("model-versions/get", _ =>
        {
            var model = random.Next(5) == 0 ? registry.BigModel : SomeModel();
            return DrainAsync(client, $"{Api}model-versions/get?name={Q(model)}&version={1 + random.Next(Math.Max(1, registry.VersionsOf(model)))}");
        });

        // The same get with each of MLflow's credentials: a token, and the user name and password MLflow's client
        // sends on every call when MLFLOW_TRACKING_USERNAME/PASSWORD are set (remembered after the first check).
        using var basic = host.BasicClient();
        var getModel = Api + "registered-models/get?name=";
        Add("registered-models/get (Bearer token)", _ => DrainAsync(client, getModel + Q(SomeModel())));
        Add("registered-models/get (Basic user and password)", _ => DrainAsync(basic, getModel + Q(SomeModel())));

        await WarmUpAsync(calls.Select(c => c.Call).ToList(), minRounds: Math.Clamp(n / 4, 5, 50), log);
        foreach (var (name, call) in calls)
        {
            var timed = await TimedAsync(n, call);
            var figure = Stats.Latency(name, timed.Samples, TargetMs, Target, timed.Note);
            log.WriteLine($"  {figure.Name}: p50 {figure.P50:0.0} ms, p95 {figure.P95:0.0} ms, {timed.Note}");
            figures.Add(figure);
        }
        var seconds = Math.Max(1, options.ConcurrentSeconds / 6);
        foreach (var (scheme, http) in new[] { ("Bearer token", client), ("Basic user and password", basic) })
            figures.Add(await ThroughputAsync($"reads/s of registered models, {options.ConcurrentClients} clients, {scheme}", http,
                () => getModel + Q(SomeModel()), options.ConcurrentClients, seconds, log));
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
    /// </summary>
    private static async Task WarmUpAsync(IReadOnlyList<Func<int, Task>> calls, int minRounds, TextWriter log)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var rounds = 0;
        var quietSince = TimeSpan.Zero;
        while (rounds < minRounds || (watch.Elapsed - quietSince < QuietFor && watch.Elapsed < TimeSpan.FromMinutes(2)))
        {
            var compiledBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
            foreach (var call in calls) await call(rounds);
            if (System.Runtime.JitInfo.GetCompiledMethodCount() - compiledBefore > QuietRoundMethods) quietSince = watch.Elapsed;
            rounds++;
        }
        log.WriteLine($"  warm-up: {rounds} rounds of every call in {watch.Elapsed.TotalSeconds:0} s, the last {QuietFor.TotalSeconds:0} s with the JIT compiling at most {QuietRoundMethods} methods a round");
    }

    private const int QuietRoundMethods = 2;
    private static readonly TimeSpan QuietFor = TimeSpan.FromSeconds(3);

    /// <summary>Walks a search page by page with next_page_token, starting over after maxPages or the last page.</summary>
    private sealed class TokenWalk(HttpClient client, string url, string itemsField, int maxPages)
    {
        private string? token;
        private int pages;

        public async Task NextAsync()
        {
            using var json = await GetJsonAsync(client, token is null ? url : url + "&page_token=" + Uri.EscapeDataString(token));
            if (!json.RootElement.TryGetProperty(itemsField, out var items) || items.ValueKind != JsonValueKind.Array || items.GetArrayLength() == 0)
                throw new InvalidOperationException($"{url} returned no {itemsField}.");
            pages++;
            token = json.RootElement.TryGetProperty("next_page_token", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
            if (token is null || pages >= maxPages) (token, pages) = (null, 0);
        }
    }
}
