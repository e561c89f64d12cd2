using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using RegistryPortal.Data;
using static RegistryPortal.Bench.Measure;

namespace RegistryPortal.Bench;

/// <summary>
/// One timed API call of figures 1–3; the argument is the call's index (a walk turns the page by it). <paramref name="Before"/>,
/// when set, runs before each call, untimed.
/// </summary>
public sealed record ApiCall(string Name, Func<int, Task> Run, Func<Task>? Before = null);

/// <summary>
/// The registry API's searches and gets that figures 1–3 time, over a generated registry. A file of its own,
/// compiled into RegistryPortal.Tests too, so the query-plan test makes exactly the calls the bench times.
/// </summary>
public static class ApiFigureCalls
{
    public const string Api = "/api/2.0/mlflow/";

    /// <summary>
    /// The calls, with <paramref name="bearer"/> signed in by access token and <paramref name="basic"/> by user name and
    /// password, over the database of <paramref name="db"/>.
    /// </summary>
    public static List<ApiCall> For(GeneratedRegistry registry, HttpClient bearer, HttpClient basic, Random random, IDbContextFactory<RegistryDbContext> db)
    {
        string Q(string s) => Uri.EscapeDataString(s);
        string SomeModel() => registry.ModelNames[1 + random.Next(registry.ModelNames.Count - 1)];

        var calls = new List<ApiCall>();
        void Add(string name, Func<int, Task> call, Func<Task>? before = null) => calls.Add(new ApiCall(name, call, before));

        var searchModels = Api + "registered-models/search?max_results=100";
        Add("models search, no filter", _ => DrainAsync(bearer, searchModels));
        // The searches above answer from views cached under each model's content stamp; here every model on the page
        // changed since, so all 100 views are read again.
        Add("models search, uncached (every model on the page changed since), no filter", _ => DrainAsync(bearer, searchModels),
            before: () => RenewContentStampsAsync(db, firstModels: 100));
        // Names are m0, m1, …: 'm1%' fills the page of 100 at every scale from 200 models up, so scales compare like with like.
        Add("models search, name LIKE 'm1%'", _ => DrainAsync(bearer, searchModels + "&filter=" + Q("name LIKE 'm1%'")));
        Add("models search, tags.team = 'risk'", _ => DrainAsync(bearer, searchModels + "&filter=" + Q("tags.team = 'risk'")));
        var modelPages = new TokenWalk(bearer, searchModels, "registered_models", maxPages: 10);
        Add("models search, 10 pages by page token (per page)", _ => modelPages.NextAsync());

        var searchVersions = Api + "model-versions/search?";
        Add("versions search, name = '…'", _ => DrainAsync(bearer, searchVersions + "filter=" + Q($"name = '{SomeModel()}'")));
        Add("versions search, run_id IN (10 ids)", _ =>
        {
            var ids = Enumerable.Range(0, 10).Select(_ => registry.RunIds[random.Next(registry.RunIds.Count)]);
            return DrainAsync(bearer, searchVersions + "filter=" + Q($"run_id IN ({string.Join(", ", ids.Select(id => $"'{id}'"))})"));
        });
        var bigPages = new TokenWalk(bearer, searchVersions + "max_results=100&filter=" + Q($"name = '{registry.BigModel}'"), "model_versions", maxPages: int.MaxValue);
        Add($"versions search, {registry.BigModelVersions:N0}-version model, 100 per page (per page)", _ => bigPages.NextAsync());

        Add($"get-latest-versions ({registry.BigModelVersions:N0}-version model)", _ =>
            DrainAsync(bearer, Api + "registered-models/get-latest-versions?name=" + Q(registry.BigModel)));
        Add("get-latest-versions (other models)", _ => DrainAsync(bearer, Api + "registered-models/get-latest-versions?name=" + Q(SomeModel())));
        Add("get-download-uri", _ =>
        {
            var model = SomeModel();
            return DrainAsync(bearer, $"{Api}model-versions/get-download-uri?name={Q(model)}&version={1 + random.Next(Math.Max(1, registry.VersionsOf(model)))}");
        });
        Add("model-versions/get", _ =>
        {
            var model = random.Next(5) == 0 ? registry.BigModel : SomeModel();
            return DrainAsync(bearer, $"{Api}model-versions/get?name={Q(model)}&version={1 + random.Next(Math.Max(1, registry.VersionsOf(model)))}");
        });

        // The same get with each of MLflow's credentials: a token, and the user name and password MLflow's client
        // sends on every call when MLFLOW_TRACKING_USERNAME/PASSWORD are set (remembered after the first check).
        Add("registered-models/get (Bearer token)", _ => DrainAsync(bearer, GetModel(SomeModel())));
        Add("registered-models/get (Basic user and password)", _ => DrainAsync(basic, GetModel(SomeModel())));
        return calls;
    }

    /// <summary>
    /// What any change of a model does to its cached view, done to the first models by name (a search's first page): their
    /// content stamps are renewed. Renewing all 10,000 would also time the aftermath of rewriting the whole table
    /// (p95 ~1.5 ms more), a write no registry makes between two searches.
    /// </summary>
    private static async Task RenewContentStampsAsync(IDbContextFactory<RegistryDbContext> factory, int firstModels)
    {
        await using var db = await factory.CreateDbContextAsync();
        var stamp = Guid.NewGuid();
        await db.Models.OrderBy(m => m.NormalizedName).Take(firstModels)
            .ExecuteUpdateAsync(set => set.SetProperty(m => m.ContentStamp, stamp));
    }

    public static string GetModel(string name) => Api + "registered-models/get?name=" + Uri.EscapeDataString(name);

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
