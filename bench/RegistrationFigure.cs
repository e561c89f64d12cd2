using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace RegistryPortal.Bench;

/// <summary>
/// How long MLflow 3's <c>model-versions/create</c> from a logged model (<c>models:/m-…</c>) takes to answer, for a
/// small and a large model, and whether it answers READY (the copy finished within Registry:RegistrationWaitSeconds)
/// or PENDING_REGISTRATION; then how long until the version is READY. Each logged model is made as MLflow's client
/// makes it: create, upload the files through the artifact proxy, finalize.
/// </summary>
public static class RegistrationFigure
{
    private const string Api = "/api/2.0/mlflow/";
    private const int Rounds = 3;

    public static async Task<List<Figure>> RunAsync(BenchHost host, BenchOptions options, TextWriter log)
    {
        using var client = host.ApiClient();
        var experiment = await PostAsync(client, "experiments/create", new { name = $"bench-registration-{Guid.NewGuid():N}" });
        var experimentId = (string)experiment["experiment_id"]!;
        var figures = new List<Figure>();
        foreach (var mb in options.Smoke ? new[] { 1, 8 } : [1, 200])
        {
            var answers = new List<double>();
            var ready = new List<double>();
            var statuses = new List<string>();
            for (var round = 0; round < Rounds + 1; round++)
            {
                var modelId = await LogModelAsync(client, experimentId, (long)mb << 20);
                var name = $"bench-registration-{mb}mb-{Guid.NewGuid():N}";
                await PostAsync(client, "registered-models/create", new { name });
                var watch = Stopwatch.StartNew();
                var created = await PostAsync(client, "model-versions/create", new { name, source = $"models:/{modelId}", model_id = modelId });
                var answered = watch.Elapsed.TotalMilliseconds;
                var status = (string)created["model_version"]!["status"]!;
                while (status == "PENDING_REGISTRATION")
                {
                    await Task.Delay(20);
                    status = (string)(await GetAsync(client, $"model-versions/get?name={name}&version=1"))["model_version"]!["status"]!;
                }
                if (status != "READY") throw new InvalidOperationException($"Registering {mb} MB ended {status}.");
                if (round == 0) continue; // untimed: the first round compiles the code it runs
                answers.Add(answered);
                ready.Add(watch.Elapsed.TotalMilliseconds);
                statuses.Add((string)created["model_version"]!["status"]!);
            }
            var answeredReady = statuses.Count(s => s == "READY");
            var p50 = answers.Order().ElementAt(answers.Count / 2);
            var readyP50 = ready.Order().ElementAt(ready.Count / 2);
            log.WriteLine($"  model-versions/create from models:/m-… {mb} MB: answered in {p50:0} ms ({answeredReady} of {Rounds} READY), READY after {readyP50:0} ms");
            // A small model answers READY at once, as MLflow's own server does; a large one may answer PENDING_REGISTRATION.
            var met = mb > 1 || answeredReady == Rounds;
            figures.Add(new Figure($"model-versions/create from a logged model, {mb} MB", p50, answers.Max(), "ms",
                mb > 1 ? "answers; READY later if the copy outlasts the wait" : "answers READY", met, Rounds,
                $"median of {Rounds}; {answeredReady} of {Rounds} answered READY; READY after {readyP50:0} ms (median)"));
        }
        return figures;
    }

    /// <summary>Logs a model as MLflow 3's client does: create (PENDING), upload MLmodel and the weights, finalize READY.</summary>
    private static async Task<string> LogModelAsync(HttpClient client, string experimentId, long bytes)
    {
        var created = await PostAsync(client, "logged-models", new { experiment_id = experimentId, name = "model" });
        var info = created["model"]!["info"]!;
        var modelId = (string)info["model_id"]!;
        var folder = ((string)info["artifact_uri"]!)["mlflow-artifacts:/".Length..];
        await PutAsync(client, $"{folder}/MLmodel", new ByteArrayContent("flavors:\n  python_function: {}\n"u8.ToArray()));
        var weights = new byte[bytes];
        new Random(7).NextBytes(weights);
        await PutAsync(client, $"{folder}/model.pkl", new ByteArrayContent(weights));
        using var finalize = new HttpRequestMessage(HttpMethod.Patch, $"{Api}logged-models/{modelId}")
        {
            Content = JsonContent.Create(new { model_id = modelId, status = "LOGGED_MODEL_READY" }),
        };
        using var finalized = await client.SendAsync(finalize);
        await EnsureAsync(finalized);
        return modelId;
    }

    private static async Task PutAsync(HttpClient client, string path, HttpContent content)
    {
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await client.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{path}", content);
        await EnsureAsync(response);
    }

    private static async Task<JsonNode> PostAsync(HttpClient client, string endpoint, object body)
    {
        using var response = await client.PostAsJsonAsync(Api + endpoint, body);
        return await EnsureAsync(response);
    }

    private static async Task<JsonNode> GetAsync(HttpClient client, string endpoint)
    {
        using var response = await client.GetAsync(Api + endpoint);
        return await EnsureAsync(response);
    }

    private static async Task<JsonNode> EnsureAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text) ?? new JsonObject();
    }
}
