using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RegistryPortal.Domain;

namespace RegistryPortal.Tests.Api;

/// <summary>
/// Replays, request by request and in order, what MLflow 3.11.1's Python client sent MLflow 3.11.1's own server in a
/// training script (set_experiment, start_run, log_param/metric, sklearn.log_model with registered_model_name,
/// stages, an alias, three ways of loading the model, searches, cleanup; Api/Mlflow3Wire/mlflow3_workflow_wire.jsonl),
/// and checks that our server answers each with the captured status and a JSON that carries every field MLflow's did.
/// The capture's ids and names are mapped to ours as our answers reveal them.
/// </summary>
[Collection(ApiCollection.Name)]
public class Mlflow3WireReplayTests(ApiApp app)
{
    private const string CapturedPrefix = "/api/2.0/";
    private const string ArtifactsRoute = "mlflow-artifacts/artifacts";

    /// <summary>
    /// Answered by value in the capture but set by the server at the moment of the call, or naming who made it: our
    /// answer must carry them with the same JSON type, not the same value. Times the client sends (start_time,
    /// end_time, a metric's timestamp) are compared by value. user_id: the capture had no authentication, so MLflow
    /// kept the client's "root"; ours is the signed-in user.
    /// </summary>
    private static readonly HashSet<string> ServerSetFields =
    [
        "creation_time", "last_update_time", "creation_timestamp", "last_updated_timestamp",
        "creation_timestamp_ms", "last_updated_timestamp_ms", "user_id",
    ];

    [Fact]
    public void The_capture_travels_with_the_tests_and_holds_the_whole_MLflow_3_workflow()
    {
        var capture = WireCapture.Load();

        Assert.Equal(99, capture.Count);
        Assert.Equal(15, capture.Select(e => e.Step).Distinct().Count()); // two of the 17 steps send nothing
        Assert.All(capture, e => Assert.StartsWith(CapturedPrefix, e.Path));
        // The routes MLflow 2.12's server did not have, which is what this replay is about.
        Assert.Superset(new HashSet<string>
        {
            "POST mlflow/logged-models", "GET mlflow/logged-models/{id}", "PATCH mlflow/logged-models/{id}",
            "PATCH mlflow/logged-models/{id}/tags", "POST mlflow/logged-models/search", "POST mlflow/runs/outputs",
        }, capture.Select(e => $"{e.Method} {System.Text.RegularExpressions.Regex.Replace(e.Route, "m-[0-9a-f]{32}", "{id}")}").ToHashSet());
    }

    [Theory]
    [InlineData("/api/2.0/")]
    [InlineData("/ajax-api/2.0/")] // MLflow's own UI calls the same API under /ajax-api/
    public async Task Every_request_of_MLflow_3s_client_answers_as_MLflow_3s_server_did(string prefix)
    {
        var capture = WireCapture.Load();
        // The capture had no authentication; an Editor may do everything the script does (it creates the registered
        // model, so it holds Manage on it: stage moves and the final delete).
        var client = (await app.UserAsync(Roles.Editor)).Client;
        var ids = new WireIds();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        ids.Name((string)JsonNode.Parse(capture.First(e => e.Route == "mlflow/experiments/create").Body)!["name"]!, $"Iris Classification mlflow3 {suffix}");
        ids.Name((string)JsonNode.Parse(capture.First(e => e.Route == "mlflow/registered-models/create").Body)!["name"]!, $"iris_classifier_m3_{suffix}");
        var uploaded = new Dictionary<string, byte[]>(StringComparer.Ordinal); // our artifact path -> the bytes we PUT there
        // A wrong status stops the replay (what follows depends on it); a JSON that falls short is noted and the
        // replay goes on, so one run lists every difference.
        var differences = new List<string>();
        void Carries(JsonNode? captured, JsonNode? ours, Func<string, JsonCarries.Compare> rule, string context) =>
            differences.AddRange(JsonCarries.Differences(captured, ours, rule).Select(d => $"{context}\n  {d}"));

        foreach (var exchange in capture)
        {
            var path = ids.Path(exchange.Path, prefix);
            var context = $"line {exchange.Line} ({exchange.Step}): {exchange.Method} {path}";
            if (exchange.Method == "PUT")
            {
                // The capture keeps no file bodies, only their sizes: send that many bytes made from the file's name.
                var bytes = FileBytes(path, exchange.RequestBytes);
                uploaded[ArtifactPath(path)] = bytes;
                using var put = new HttpRequestMessage(HttpMethod.Put, path) { Content = new ByteArrayContent(bytes) };
                put.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                var stored = await client.SendAsync(put);
                Assert.True(stored.StatusCode == (HttpStatusCode)exchange.Status, $"{context}: {(int)stored.StatusCode} {await stored.Content.ReadAsStringAsync()}");
                Carries(JsonNode.Parse(exchange.Response), JsonNode.Parse(await stored.Content.ReadAsStringAsync()), Rule, context);
                continue;
            }
            if (exchange.Method == "GET" && exchange.Route.StartsWith(ArtifactsRoute + "/", StringComparison.Ordinal))
            {
                await DownloadAsync(client, exchange, path, uploaded, context);
                continue;
            }

            var body = exchange.Body.Length == 0 ? null : ids.Json(JsonNode.Parse(exchange.Body))!.ToJsonString();
            var answer = await client.CallAsync(new HttpMethod(exchange.Method), path, body);
            var captured = JsonNode.Parse(exchange.Response);
            Assert.True(answer.Status == (HttpStatusCode)exchange.Status, $"{context}: expected {exchange.Status}, got {answer}");
            ids.Learn(exchange.Route, captured, answer.Json);

            if (exchange.Route == "mlflow/model-versions/get-download-uri")
            {
                await DownloadUriAsync(client, ids.Json(captured)!, answer.Json, prefix, uploaded, context);
                continue;
            }
            if (exchange.Route == ArtifactsRoute && captured is JsonObject { Count: 0 })
            {
                // A folder that does not exist (the run's model/, see DownloadAsync): MLflow answers {}, we may answer
                // {"files": []}; the client reads both as no files, and no files is what must come back.
                Assert.True(answer.Json["files"] is null or JsonArray { Count: 0 }, $"{context}: expected no files, got {answer}");
                continue;
            }
            Carries(ids.Json(captured), answer.Json, Rule, context);
        }
        Assert.True(differences.Count == 0, $"{differences.Count} differences from MLflow's answers:\n{string.Join("\n", differences)}");
    }

    /// <summary>How a field's value is compared: by type for what the server sets (times, the caller), else by value.</summary>
    private static JsonCarries.Compare Rule(string field) =>
        ServerSetFields.Contains(field) ? JsonCarries.Compare.Type : JsonCarries.Compare.Value;

    /// <summary>
    /// A file GET: the bytes we uploaded there, as many as MLflow sent. The capture's three 500s are MLflow failing to
    /// find runs:/&lt;run&gt;/model (MLflow 3 logs the model under models/m-…, not in the run's folder: the client
    /// tries the old place first): a missing file is not a server error, so ours answers 404 RESOURCE_DOES_NOT_EXIST.
    /// </summary>
    private static async Task DownloadAsync(HttpClient client, WireExchange exchange, string path, Dictionary<string, byte[]> uploaded, string context)
    {
        var answer = await client.GetAsync(path);
        var bytes = await answer.Content.ReadAsByteArrayAsync();
        if (exchange.Status == 500)
        {
            var captured = JsonNode.Parse(exchange.Response)!;
            Assert.Equal("INTERNAL_ERROR", (string?)captured["error_code"]);
            Assert.Contains("No such file or directory", (string?)captured["message"]);
            Assert.False(uploaded.ContainsKey(ArtifactPath(path)), context);
            var error = JsonNode.Parse(bytes)!;
            Assert.True(answer.StatusCode == HttpStatusCode.NotFound, $"{context}: expected 404, got {(int)answer.StatusCode} {error.ToJsonString()}");
            Assert.Equal("RESOURCE_DOES_NOT_EXIST", (string?)error["error_code"]);
            return;
        }
        Assert.True(answer.StatusCode == (HttpStatusCode)exchange.Status, $"{context}: {(int)answer.StatusCode} {Encoding.UTF8.GetString(bytes)}");
        Assert.True(uploaded.TryGetValue(ArtifactPath(path), out var sent), $"{context}: the replay never uploaded this file");
        Assert.Equal(exchange.ResponseBytes, bytes.LongLength);
        Assert.True(sent.AsSpan().SequenceEqual(bytes), $"{context}: the bytes differ from those uploaded");
    }

    /// <summary>
    /// get-download-uri: MLflow answers the logged model's own folder (mlflow-artifacts:/&lt;exp&gt;/models/m-…/artifacts);
    /// we answer the registry's copy (mlflow-artifacts:/registry/&lt;id&gt;), made at registration so that deleting the
    /// run, the experiment or the logged model never breaks a registered version (the registry keeps its own
    /// files). The client only lists and downloads what the URI names, so the check is: a mlflow-artifacts:/ URI whose
    /// listing has the same files (names, sizes) as the folder MLflow named (the files the replay uploaded to the
    /// logged model, with the sizes MLflow listed), each with the same bytes.
    /// </summary>
    private static async Task DownloadUriAsync(HttpClient client, JsonNode captured, JsonNode ours, string prefix,
        Dictionary<string, byte[]> uploaded, string context)
    {
        JsonCarries.Assert(captured, ours, _ => JsonCarries.Compare.Type, context);
        var theirs = (string)captured["artifact_uri"]!;
        var uri = (string)ours["artifact_uri"]!;
        Assert.StartsWith("mlflow-artifacts:/", uri);
        var copy = uri["mlflow-artifacts:/".Length..].TrimEnd('/');
        var original = theirs["mlflow-artifacts:/".Length..].TrimEnd('/');
        var expected = uploaded.Where(f => f.Key.StartsWith(original + "/", StringComparison.Ordinal))
            .Select(f => $"{f.Key[(original.Length + 1)..]}:{f.Value.Length}").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(expected);

        var listing = await client.ApiGetAsync($"{prefix}{ArtifactsRoute}?path={Uri.EscapeDataString(copy)}");
        Assert.True(listing.Status == HttpStatusCode.OK, $"{context}: listing {uri}: {listing}");
        Assert.Equal(expected, listing.Json["files"]!.AsArray()
            .Select(f => $"{(string)f!["path"]!}:{(long)f["file_size"]!}").Order(StringComparer.Ordinal).ToList());
        foreach (var file in expected.Select(e => e[..e.LastIndexOf(':')]))
            Assert.Equal(uploaded[$"{original}/{file}"], await client.GetByteArrayAsync($"{prefix}{ArtifactsRoute}/{copy}/{file}"));
    }

    /// <summary>The path inside the artifact store of an artifact URL (prefix/mlflow-artifacts/artifacts/&lt;path&gt;).</summary>
    private static string ArtifactPath(string url) => url[(url.IndexOf(ArtifactsRoute + "/", StringComparison.Ordinal) + ArtifactsRoute.Length + 1)..];

    /// <summary><paramref name="length"/> bytes: the file's name over and over, so every file's bytes differ.</summary>
    private static byte[] FileBytes(string path, long length)
    {
        var name = Encoding.UTF8.GetBytes(path[(path.LastIndexOf('/') + 1)..] + "\n");
        return Enumerable.Range(0, checked((int)length)).Select(i => name[i % name.Length]).ToArray();
    }
}

/// <summary>One request of a capture and MLflow's answer; <see cref="Route"/> is the path after /api/2.0/, without the query.</summary>
public sealed record WireExchange(int Line, string Step, string Method, string Path, int Status, string Body, string Response,
    long RequestBytes, long ResponseBytes)
{
    public string Route => Path["/api/2.0/".Length..].Split('?')[0];
}

public static class WireCapture
{
    /// <summary>The requests of Api/Mlflow3Wire/mlflow3_workflow_wire.jsonl in order, each with the step (marker) it belongs to.</summary>
    public static IReadOnlyList<WireExchange> Load()
    {
        var file = Path.Combine(AppContext.BaseDirectory, "Api", "Mlflow3Wire", "mlflow3_workflow_wire.jsonl");
        var exchanges = new List<WireExchange>();
        var step = "";
        var line = 0;
        foreach (var text in File.ReadLines(file))
        {
            line++;
            if (text.Length == 0) continue;
            var item = JsonNode.Parse(text)!.AsObject();
            if (item["marker"] is { } marker)
            {
                step = (string)marker!;
                continue;
            }
            exchanges.Add(new WireExchange(line, step, (string)item["method"]!, (string)item["path"]!, (int)item["status"]!,
                (string?)item["body"] ?? "", (string?)item["response"] ?? "", (long?)item["req_bytes"] ?? 0, (long?)item["resp_bytes"] ?? 0));
        }
        return exchanges;
    }
}

/// <summary>
/// The capture's ids and names and ours: names chosen up front (unique per run), ids learned from our answers to the
/// calls that create them. Applied to paths, query values, request bodies and the captured answers alike.
/// </summary>
public sealed class WireIds
{
    private readonly Dictionary<string, string> texts = new(StringComparer.Ordinal); // long ids and names: replaced anywhere
    private (string Theirs, string Ours)? experiment; // "5": replaced only where it stands for an experiment

    public void Name(string theirs, string ours) => texts[theirs] = ours;

    /// <summary>Learns the ids a create answers: experiment id, run id and run name, logged model id.</summary>
    public void Learn(string route, JsonNode? captured, JsonNode? ours)
    {
        switch (route)
        {
            case "mlflow/experiments/create":
                experiment = ((string)captured!["experiment_id"]!, (string)ours!["experiment_id"]!);
                break;
            case "mlflow/runs/create":
                texts[(string)captured!["run"]!["info"]!["run_id"]!] = (string)ours!["run"]!["info"]!["run_id"]!;
                texts[(string)captured["run"]!["info"]!["run_name"]!] = (string)ours["run"]!["info"]!["run_name"]!;
                break;
            case "mlflow/logged-models":
                texts[(string)captured!["model"]!["info"]!["model_id"]!] = (string)ours!["model"]!["info"]!["model_id"]!;
                break;
        }
    }

    /// <summary>A captured path with query, under <paramref name="prefix"/> instead of /api/2.0/, ids and names mapped.</summary>
    public string Path(string captured, string prefix)
    {
        var (path, query) = captured.IndexOf('?') is var q and >= 0 ? (captured[..q], captured[(q + 1)..]) : (captured, null);
        path = prefix + path["/api/2.0/".Length..];
        var artifacts = path.IndexOf("mlflow-artifacts/artifacts/", StringComparison.Ordinal);
        if (artifacts >= 0)
        {
            var start = artifacts + "mlflow-artifacts/artifacts/".Length;
            path = path[..start] + Text(path[start..], "path");
        }
        else path = Text(path, null);
        if (query is null) return path;
        // Only values that change are encoded again (as Python's urlencode does: '+' for a space), the others stay as sent.
        var pairs = query.Split('&').Select(pair =>
        {
            var (key, value) = pair.IndexOf('=') is var e and >= 0 ? (pair[..e], pair[(e + 1)..]) : (pair, "");
            var text = WebUtility.UrlDecode(value);
            var mapped = Text(text, WebUtility.UrlDecode(key));
            return mapped == text ? pair : $"{key}={WebUtility.UrlEncode(mapped)}";
        });
        return $"{path}?{string.Join('&', pairs)}";
    }

    /// <summary>A copy of a captured JSON with every string mapped (a field's name says whether "5" is an experiment).</summary>
    public JsonNode? Json(JsonNode? node, string? field = null) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Json(p.Value, p.Key)))),
        JsonArray a => new JsonArray(a.Select(item => Json(item, field)).ToArray()),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => JsonValue.Create(Text((string)v!, field)),
        _ => node?.DeepClone(),
    };

    private string Text(string text, string? field)
    {
        foreach (var (theirs, ours) in texts.OrderByDescending(t => t.Key.Length)) text = text.Replace(theirs, ours, StringComparison.Ordinal);
        if (experiment is not var (id, ourId)) return text;
        if (field is "experiment_id" or "experiment_ids" && text == id) return ourId;
        if (field == "path" && (text == id || text.StartsWith(id + "/", StringComparison.Ordinal))) text = ourId + text[id.Length..];
        text = text.Replace($"mlflow-artifacts:/{id}/", $"mlflow-artifacts:/{ourId}/", StringComparison.Ordinal);
        return text == $"mlflow-artifacts:/{id}" ? $"mlflow-artifacts:/{ourId}" : text;
    }
}

/// <summary>
/// Asserts that a JSON answer carries every field of another, recursively, with the same JSON type (string, number,
/// boolean, object, array, null) and, unless a field's rule says type only, the same value; extra fields are
/// allowed. Arrays hold the same number of items; items with a "key" (tags, params, metrics), "path" (files),
/// "model_id" (model outputs) or "alias" are matched by it, since servers order them differently, others by position.
/// Two strings that both hold the same JSON object or array are the same value (a tag written with other spacing).
/// </summary>
public static class JsonCarries
{
    public enum Compare { Value, Type }

    private static readonly string[] Identities = ["key", "path", "model_id", "alias"];

    public static void Assert(JsonNode? expected, JsonNode? actual, Func<string, Compare> rule, string context)
    {
        var differences = Differences(expected, actual, rule);
        Xunit.Assert.True(differences.Count == 0, $"{context}\n{string.Join("\n", differences)}");
    }

    /// <summary>Every way <paramref name="actual"/> falls short of <paramref name="expected"/>, one line each, with its JSON path.</summary>
    public static List<string> Differences(JsonNode? expected, JsonNode? actual, Func<string, Compare> rule)
    {
        var differences = new List<string>();
        Check(expected, actual, rule, Compare.Value, "$", differences);
        return differences;
    }

    private static void Check(JsonNode? expected, JsonNode? actual, Func<string, Compare> rule, Compare compare, string path, List<string> differences)
    {
        if (Kind(expected) != Kind(actual))
        {
            differences.Add($"{path}: expected {Kind(expected)} {Show(expected)}, got {Kind(actual)} {Show(actual)}");
            return;
        }
        switch (expected)
        {
            case JsonObject expectedObject:
                var actualObject = actual!.AsObject();
                foreach (var (key, value) in expectedObject)
                {
                    if (actualObject.ContainsKey(key)) Check(value, actualObject[key], rule, rule(key), $"{path}.{key}", differences);
                    else differences.Add($"{path}: missing field '{key}' (expected {Show(value)}) in {Show(actual)}");
                }
                return;
            case JsonArray expectedArray:
                var actualArray = actual!.AsArray();
                var before = differences.Count;
                var actualById = Identified(actualArray).Where(p => p.Key is not null).ToDictionary(p => p.Key!, p => p.Value);
                foreach (var (id, item, index) in Identified(expectedArray).Select((p, i) => (p.Key, p.Value, i)))
                {
                    var at = $"{path}[{id ?? index.ToString(CultureInfo.InvariantCulture)}]";
                    if (id is null ? index < actualArray.Count : actualById.ContainsKey(id))
                        Check(item, id is null ? actualArray[index] : actualById[id], rule, compare, at, differences);
                    else differences.Add($"{at}: missing item {Show(item)} in {Show(actual)}");
                }
                if (differences.Count == before && expectedArray.Count != actualArray.Count) // every item found: ours has more
                    differences.Add($"{path}: expected {expectedArray.Count} items, got {actualArray.Count}: expected {Show(expected)}, got {Show(actual)}");
                return;
        }
        if (compare == Compare.Value && !SameValue(expected, actual)) differences.Add($"{path}: expected {Show(expected)}, got {Show(actual)}");
    }

    /// <summary>Each item with its identity ("key=accuracy", the second of two alike "#2"), or null to match by position.</summary>
    private static List<KeyValuePair<string?, JsonNode?>> Identified(JsonArray items)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        return items.Select(item =>
        {
            var field = item is JsonObject o ? Identities.FirstOrDefault(o.ContainsKey) : null;
            if (field is null) return KeyValuePair.Create<string?, JsonNode?>(null, item);
            var id = $"{field}={item![field]?.ToJsonString()}";
            var n = seen[id] = seen.GetValueOrDefault(id) + 1;
            return KeyValuePair.Create<string?, JsonNode?>(n == 1 ? id : $"{id}#{n}", item);
        }).ToList();
    }

    private static bool SameValue(JsonNode? expected, JsonNode? actual)
    {
        if (JsonNode.DeepEquals(expected, actual)) return true;
        if (Kind(expected) == "number") return expected!.GetValue<decimal>() == actual!.GetValue<decimal>();
        return Kind(expected) == "string" && ParsedJson((string)expected!) is { } e && ParsedJson((string)actual!) is { } a && JsonNode.DeepEquals(e, a);
    }

    private static JsonNode? ParsedJson(string text)
    {
        if (text.Length == 0 || text[0] is not ('[' or '{')) return null;
        try { return JsonNode.Parse(text); } catch (JsonException) { return null; }
    }

    private static string Kind(JsonNode? node) => node?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        var kind => kind.ToString()!.ToLowerInvariant(),
    };

    private static string Show(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "nothing";
        return text.Length > 600 ? text[..600] + "…" : text;
    }
}
