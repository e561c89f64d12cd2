using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Domain;
using ActivityEvent = RegistryPortal.Domain.ActivityEvent;
using ActivityKind = RegistryPortal.Domain.ActivityKind;
using RegistryPortal.Registry;
using RegistryPortal.Security;

namespace RegistryPortal.Bench;

/// <summary>What the concurrent writers did, and the invariants checked afterwards (empty: all held).</summary>
public sealed record ConcurrencyOutcome(
    int Clients, double Seconds, int Operations, int Succeeded, int Conflicts, int RuleRefusals, int Errors,
    double OperationsPerSecond, IReadOnlyDictionary<string, int> RefusalMessages, IReadOnlyList<string> ErrorSamples,
    IReadOnlyList<string> BrokenInvariants);

/// <summary>
/// Figure 5: many clients at once registering versions, moving them between stages and requesting and
/// approving moves, on a few shared models (half of them set to one version per stage) for a while.
/// An answer is a success, a conflict (409), a refusal by a domain rule that a racing client made true
/// (400, e.g. "already in Staging"; 404 when approving a request another writer's move already closed),
/// or an error (anything else). Then the invariants are checked in the database (over the warm-up's writes too).
/// With several instances of the portal on one database, the clients take turns over them.
/// </summary>
public static class ConcurrencyFigure
{
    private const int HotModels = 8;
    private const string Api = "/api/2.0/mlflow/";
    private static readonly string[] AllStages = ["None", "Staging", "Production", "Archived"];

    /// <param name="hosts">The instances the clients write through (client i through instance i mod count), all on one database.</param>
    /// <param name="label">The figures' name after the number of clients.</param>
    public static async Task<(List<Figure>, ConcurrencyOutcome)> RunAsync(IReadOnlyList<BenchHost> hosts, BenchOptions options, TextWriter log,
        string label = "concurrent writers")
    {
        var host = hosts[0];
        var admin = new Actor(host.AdminId);
        var models = host.Services.GetRequiredService<ModelService>();
        var versions = host.Services.GetRequiredService<VersionService>();
        var names = new List<string>();
        var run = Guid.NewGuid().ToString("N")[..6]; // a kept data folder (--data) may already have hot models
        for (var i = 0; i < HotModels; i++)
        {
            // After the generated m… models by name, so the page figures of a kept data folder still open on m0.
            var name = $"z-hot-{run}-{i}";
            await models.CreateAsync(admin, name);
            if (i % 2 == 0) await models.SetOneVersionPerStageAsync(admin, name, true);
            for (var v = 0; v < 3; v++) await versions.RegisterAsync(admin, new NewVersion(name, $"s3://bench/{name}/seed-{v}"));
            names.Add(name);
        }
        var latest = new ConcurrentDictionary<string, int>(names.ToDictionary(n => n, _ => 3));

        var clients = hosts.Select(h => h.ApiClient(maxConnections: options.ConcurrentClients)).ToList();
        var (ok, conflicts, refusals, errors) = (0, 0, 0, 0);
        var refusalMessages = new ConcurrentDictionary<string, int>();
        var errorSamples = new ConcurrentQueue<string>();
        var latencies = new ConcurrentBag<double>();
        var byPath = new ConcurrentDictionary<string, ConcurrentBag<double>>();
        var running = true;

        async Task<JsonDocument?> Call(HttpClient client, string path, object body)
        {
            var watch = Stopwatch.StartNew();
            HttpResponseMessage response;
            string text;
            try
            {
                response = await client.PostAsJsonAsync(Api + path, body);
                text = await response.Content.ReadAsStringAsync();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref errors);
                if (errorSamples.Count < 10) errorSamples.Enqueue($"{path}: {e.Message}");
                return null;
            }
            latencies.Add(watch.Elapsed.TotalMilliseconds);
            byPath.GetOrAdd(path, _ => new ConcurrentBag<double>()).Add(watch.Elapsed.TotalMilliseconds);
            using (response)
            {
                var status = (int)response.StatusCode;
                if (status == 200) { Interlocked.Increment(ref ok); return JsonDocument.Parse(text); }
                if (status == 409) { Interlocked.Increment(ref conflicts); return null; }
                // 400: a rule refused it ("already in Staging"); 404 on approve: another writer's move closed the request first.
                if (status == 400 || (status == 404 && path == "transition-requests/approve"))
                {
                    Interlocked.Increment(ref refusals);
                    refusalMessages.AddOrUpdate(Shape(text), 1, (_, n) => n + 1);
                    return null;
                }
                Interlocked.Increment(ref errors);
                if (errorSamples.Count < 10) errorSamples.Enqueue($"{path}: {status} {Measure.Truncate(text)}");
                return null;
            }
        }

        async Task Writer(int seed, HttpClient client)
        {
            var random = new Random(seed);
            while (Volatile.Read(ref running))
            {
                var name = names[random.Next(names.Count)];
                var number = 1 + random.Next(latest[name]);
                var roll = random.Next(10);
                if (roll < 3)
                {
                    using var created = await Call(client, "model-versions/create", new { name, source = $"s3://bench/{name}/c{seed}-{random.Next()}" });
                    if (created is not null)
                    {
                        var n = int.Parse(created.RootElement.GetProperty("model_version").GetProperty("version").GetString()!);
                        latest.AddOrUpdate(name, n, (_, old) => Math.Max(old, n));
                    }
                }
                else if (roll < 7)
                {
                    var stage = AllStages[random.Next(AllStages.Length)];
                    var archive = stage is "Staging" or "Production" && random.Next(2) == 0;
                    using var _ = await Call(client, "model-versions/transition-stage", new { name, version = number.ToString(), stage, archive_existing_versions = archive });
                }
                else
                {
                    var stage = random.Next(2) == 0 ? "Staging" : "Production";
                    using var requested = await Call(client, "transition-requests/create", new { name, version = number.ToString(), stage, comment = "please" });
                    if (requested is null) continue;
                    var archive = random.Next(2) == 0;
                    using var _ = await Call(client, "transition-requests/approve",
                        new { name, version = number.ToString(), stage, archive_existing_versions = archive, comment = "approved" });
                }
            }
        }

        // Warm-up, not counted: the first thousands of writes run code the JIT has not optimised yet, while its
        // background compiler takes CPU from them. What is measured is a server that has been running for a while.
        var warmUp = Task.WhenAll(Enumerable.Range(0, options.ConcurrentClients).Select(i => Task.Run(() => Writer(1000 + i, clients[i % clients.Count]))));
        var warmed = await JitSettling.WaitAsync(TimeSpan.FromSeconds(Math.Max(3, options.ConcurrentSeconds / 3)), TimeSpan.FromSeconds(Math.Clamp(4 * options.ConcurrentSeconds, 3, 120)));
        Volatile.Write(ref running, false);
        await warmUp;
        log.WriteLine($"  warm-up: {warmed}");
        (ok, conflicts, refusals, errors) = (0, 0, 0, 0);
        refusalMessages.Clear();
        errorSamples.Clear();
        latencies.Clear();
        byPath.Clear();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var machineBefore = MachineCpu.Busy();
        Volatile.Write(ref running, true);
        var stop = Stopwatch.StartNew();
        var measured = Task.WhenAll(Enumerable.Range(0, options.ConcurrentClients).Select(i => Task.Run(() => Writer(2000 + i, clients[i % clients.Count]))));
        await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, options.ConcurrentSeconds)));
        Volatile.Write(ref running, false);
        await measured;
        var seconds = stop.Elapsed.TotalSeconds;
        var cpuPerWrite = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / Math.Max(1, ok + conflicts + refusals + errors);
        var machinePerWrite = (MachineCpu.Busy() - machineBefore).TotalMilliseconds / Math.Max(1, ok + conflicts + refusals + errors);
        foreach (var client in clients) client.Dispose();
        var broken = await InvariantsAsync(host, names);
        var operations = ok + conflicts + refusals + errors;
        var outcome = new ConcurrencyOutcome(options.ConcurrentClients, seconds, operations, ok, conflicts, refusals, errors,
            operations / seconds, refusalMessages.OrderByDescending(m => m.Value).Take(12).ToDictionary(), errorSamples.ToList(), broken);
        log.WriteLine($"  {operations} writes in {seconds:0.0} s ({outcome.OperationsPerSecond:0} /s): {ok} ok, {conflicts} conflicts, " +
                      $"{refusals} refused by a rule, {errors} errors; {cpuPerWrite:0.00} ms CPU per write (this process: {Instances(hosts)} and clients; {machinePerWrite:0.00} ms the whole machine's, database included, on {Environment.ProcessorCount} cores); invariants {(broken.Count == 0 ? "hold" : "BROKEN: " + string.Join("; ", broken))}");
        foreach (var sample in errorSamples) log.WriteLine($"    error: {sample}");
        // Per call: whether one kind of write is slower, or all of them queue alike.
        foreach (var (path, calls) in byPath.OrderBy(p => p.Key))
        {
            var sorted = calls.Order().ToList();
            log.WriteLine($"    {path}: {sorted.Count} calls, p50 {Stats.Quantile(sorted, 0.50):0.0} ms, mean {sorted.Average():0.0} ms, " +
                          $"p95 {Stats.Quantile(sorted, 0.95):0.0} ms, p99 {Stats.Quantile(sorted, 0.99):0.0} ms");
        }

        var allLatencies = latencies.ToList();
        // Issue 18's targets: p95 ≤ 50 ms and ≥ 1,000 writes/s, with no error but a conflict or rule refusal and every invariant holding.
        var target = "p95 ≤ 50 ms; no error but a conflict or rule refusal; invariants hold";
        var latency = Stats.Latency($"{options.ConcurrentClients} {label}: latency per write", allLatencies, 50, target,
            $"{ok} ok, {conflicts} conflicts (409), {refusals} rule refusals (400/404), {errors} errors");
        List<Figure> figures =
        [
            latency with { Met = latency.Met && errors == 0 && broken.Count == 0 },
            new Figure($"{options.ConcurrentClients} {label}: throughput", outcome.OperationsPerSecond, null, "writes/s",
                "≥ 1,000 writes/s; invariants hold", broken.Count == 0 && outcome.OperationsPerSecond >= 1000, operations,
                (broken.Count == 0 ? "no duplicate version numbers, no stage rule broken" : string.Join("; ", broken)) +
                $"; {cpuPerWrite:0.00} ms CPU per write ({Instances(hosts)} and clients), {machinePerWrite:0.00} ms the machine's"),
        ];
        return (figures, outcome);
    }

    private static string Instances(IReadOnlyList<BenchHost> hosts) => hosts.Count == 1 ? "server" : $"{hosts.Count} instances";

    /// <summary>A refusal's message without its numbers, so alike refusals count together.</summary>
    private static string Shape(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var code = json.RootElement.GetProperty("error_code").GetString();
            var message = json.RootElement.GetProperty("message").GetString() ?? "";
            return $"{code}: {System.Text.RegularExpressions.Regex.Replace(message, @"\d+", "N")}";
        }
        catch (JsonException)
        {
            return Measure.Truncate(body, 80);
        }
    }

    /// <summary>The rules that must hold however the writes interleaved; each broken one is described.</summary>
    private static async Task<List<string>> InvariantsAsync(BenchHost host, IReadOnlyList<string> names)
    {
        var broken = new List<string>();
        await using var db = await host.Db.CreateDbContextAsync();
        var normalized = names.Select(ModelName.Normalize).ToList();
        var models = await db.Models.Where(m => normalized.Contains(m.NormalizedName)).ToListAsync();
        foreach (var model in models)
        {
            var numbers = await db.Versions.Where(v => v.ModelId == model.Id).Select(v => v.Number).ToListAsync();
            if (numbers.Count != numbers.Distinct().Count()) broken.Add($"{model.Name}: duplicate version numbers");
            if (numbers.Count != model.LastVersionNumber || numbers.Any(n => n < 1 || n > model.LastVersionNumber))
                broken.Add($"{model.Name}: versions are not 1…{model.LastVersionNumber} ({numbers.Count} rows)");
            var registered = await db.Activity.CountAsync(e => e.ModelId == model.Id && e.Kind == ActivityKind.VersionRegistered);
            if (registered != numbers.Count) broken.Add($"{model.Name}: {numbers.Count} versions but {registered} registration events");
            if (model.OneVersionPerStage)
            {
                foreach (var stage in new[] { Stage.Staging, Stage.Production })
                {
                    var inStage = await db.Versions.CountAsync(v => v.ModelId == model.Id && v.Stage == stage);
                    if (inStage > 1) broken.Add($"{model.Name} (one version per stage): {inStage} versions in {stage}");
                }
            }
            var pending = await db.TransitionRequests.Where(r => r.ModelId == model.Id && r.Status == RequestStatus.Pending)
                .Select(r => new { r.VersionId, r.ToStage, VersionStage = r.Version!.Stage }).ToListAsync();
            if (pending.GroupBy(r => (r.VersionId, r.ToStage)).Any(g => g.Count() > 1)) broken.Add($"{model.Name}: two pending requests for one version and stage");
            if (pending.Any(r => r.ToStage == r.VersionStage)) broken.Add($"{model.Name}: a pending request to the stage its version already has");
        }
        if (models.Count != names.Count) broken.Add($"only {models.Count} of {names.Count} models found");
        return broken;
    }
}
