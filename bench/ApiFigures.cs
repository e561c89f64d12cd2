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
        Add("models search, no filter", _ => GetAsync(client, searchModels));
        Add("models search, name LIKE 'm12%'", _ => GetAsync(client, searchModels + "&filter=" + Q("name LIKE 'm12%'")));
        Add("models search, tags.team = 'risk'", _ => GetAsync(client, searchModels + "&filter=" + Q("tags.team = 'risk'")));
        var modelPages = new TokenWalk(client, searchModels, "registered_models", maxPages: 10);
        Add("models search, 10 pages by page token (per page)", _ => modelPages.NextAsync());

        var searchVersions = Api + "model-versions/search?";
        Add("versions search, name = '…'", _ => GetAsync(client, searchVersions + "filter=" + Q($"name = '{SomeModel()}'")));
        Add("versions search, run_id IN (10 ids)", _ =>
        {
            var ids = Enumerable.Range(0, 10).Select(_ => registry.RunIds[random.Next(registry.RunIds.Count)]);
            return GetAsync(client, searchVersions + "filter=" + Q($"run_id IN ({string.Join(", ", ids.Select(id => $"'{id}'"))})"));
        });
        var bigPages = new TokenWalk(client, searchVersions + "max_results=100&filter=" + Q($"name = '{registry.BigModel}'"), "model_versions", maxPages: int.MaxValue);
        Add($"versions search, {registry.BigModelVersions:N0}-version model, 100 per page (per page)", _ => bigPages.NextAsync());

        Add($"get-latest-versions ({registry.BigModelVersions:N0}-version model)", _ =>
            GetAsync(client, Api + "registered-models/get-latest-versions?name=" + Q(registry.BigModel)));
        Add("get-latest-versions (other models)", _ => GetAsync(client, Api + "registered-models/get-latest-versions?name=" + Q(SomeModel())));
        Add("get-download-uri", _ =>
        {
            var model = SomeModel();
            return GetAsync(client, $"{Api}model-versions/get-download-uri?name={Q(model)}&version={1 + random.Next(Math.Max(1, registry.VersionsOf(model)))}");
        });
        Add("model-versions/get", _ =>
        {
            var model = random.Next(5) == 0 ? registry.BigModel : SomeModel();
            return GetAsync(client, $"{Api}model-versions/get?name={Q(model)}&version={1 + random.Next(Math.Max(1, registry.VersionsOf(model)))}");
        });

        // Every call first runs often enough for the JIT to finish optimising the code paths (tiered
        // compilation runs in the background and would otherwise be timed in the first figures).
        var warmUp = Math.Clamp(n / 4, 5, 50);
        for (var i = 0; i < warmUp; i++)
        {
            foreach (var (_, call) in calls) await call(i);
        }
        foreach (var (name, call) in calls)
        {
            var (samples, cpu) = await TimedAsync(n, call);
            var figure = Stats.Latency(name, samples, TargetMs, Target, $"CPU {cpu:0.0} ms/request");
            log.WriteLine($"  {figure.Name}: p50 {figure.P50:0.0} ms, p95 {figure.P95:0.0} ms, CPU {cpu:0.0} ms/request");
            figures.Add(figure);
        }
        return figures;
    }

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
