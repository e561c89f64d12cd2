using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using RegistryPortal.Data;
using RegistryPortal.Domain;
using ActivityEvent = RegistryPortal.Domain.ActivityEvent;
using ActivityKind = RegistryPortal.Domain.ActivityKind;

namespace RegistryPortal.Bench;

/// <summary>What the generated registry holds that the figures need to ask for.</summary>
public sealed record GeneratedRegistry(
    string BigModel, int BigModelVersions, IReadOnlyList<string> ModelNames, IReadOnlyList<int> VersionCounts,
    IReadOnlyList<string> RunIds, TimeSpan Took)
{
    /// <summary>The version count of a generated model (they are named m0, m1, …).</summary>
    public int VersionsOf(string model) => VersionCounts[int.Parse(model.AsSpan(1))];
}

/// <summary>
/// Fills the app's database in one transaction with EF Core AddRange in chunks (change detection off):
/// models m0…m(N-1), m0 the big one; each model's versions numbered 1…n with its counter set to n; the
/// newest version in Production, the one before in Staging, the two before Archived (no model is set to
/// one version per stage, and none has two versions in a live stage); a "champion" alias on Production;
/// tags on every model and version; pending requests to Staging on versions in None; activity events; and the big
/// model's stage history (<see cref="BigModelHistory"/>), which leads to those stages.
/// </summary>
public static class DataGenerator
{
    public static readonly string[] Teams = ["risk", "growth", "ops", "search", "ads", "fraud", "pricing", "vision", "nlp", "infra"];
    private static readonly string[] Frameworks = ["sklearn", "xgboost", "pytorch", "tensorflow", "lightgbm"];
    private const int Chunk = 4_000;

    /// <summary>Generates the registry of <paramref name="options"/>' scale, everything created by <paramref name="adminId"/>.</summary>
    public static async Task<GeneratedRegistry> GenerateAsync(IDbContextFactory<RegistryDbContext> factory, string adminId, BenchOptions options, TextWriter log)
    {
        var watch = Stopwatch.StartNew();
        var random = new Random(12345);
        var counts = VersionCounts(options);
        var names = Enumerable.Range(0, options.Models).Select(i => $"m{i}").ToList();
        var start = DateTime.UtcNow.AddDays(-365);
        var runIds = new List<string>();

        string connectionString;
        await using (var probe = await factory.CreateDbContextAsync()) connectionString = probe.Database.GetConnectionString()!;
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        var dbOptions = new DbContextOptionsBuilder<RegistryDbContext>().UseSqlite(connection).Options;

        RegistryDbContext NewContext()
        {
            var db = new RegistryDbContext(dbOptions);
            db.Database.UseTransaction(transaction);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            return db;
        }

        var modelIds = new int[options.Models];
        for (var from = 0; from < options.Models; from += Chunk)
        {
            await using var db = NewContext();
            var batch = Enumerable.Range(from, Math.Min(Chunk, options.Models - from)).Select(i =>
            {
                var created = start.AddMinutes(i);
                return new RegisteredModel
                {
                    Name = names[i], NormalizedName = ModelName.Normalize(names[i]), Description = $"Model {i} of the benchmark registry.",
                    CreatedById = adminId, CreatedAt = created, UpdatedAt = created.AddMinutes(counts[i]),
                    LastVersionNumber = counts[i],
                    Tags = [new ModelTag { Key = "team", Value = Teams[i % Teams.Length] }, new ModelTag { Key = "owner", Value = $"owner{i % 50}" }],
                };
            }).ToList();
            db.Models.AddRange(batch);
            await db.SaveChangesAsync();
            for (var k = 0; k < batch.Count; k++) modelIds[from + k] = batch[k].Id;
        }
        log.WriteLine($"  {options.Models:N0} models in {watch.Elapsed.TotalSeconds:0.0} s");

        // Versions, model by model, saved whenever a chunk's worth has gathered.
        var pendingVersions = new List<ModelVersion>();
        var pendingAliases = new List<ModelAlias>();
        async Task FlushAsync()
        {
            if (pendingVersions.Count == 0) return;
            await using var db = NewContext();
            db.Versions.AddRange(pendingVersions);
            db.Aliases.AddRange(pendingAliases);
            await db.SaveChangesAsync();
            pendingVersions.Clear();
            pendingAliases.Clear();
        }
        for (var i = 0; i < options.Models; i++)
        {
            var n = counts[i];
            for (var number = 1; number <= n; number++)
            {
                var created = start.AddMinutes(i).AddMinutes(number);
                var runId = random.Next(4) == 0 ? "" : Guid.NewGuid().ToString("N");
                if (runId.Length > 0 && runIds.Count < 1_000 && random.Next(50) == 0) runIds.Add(runId);
                var version = new ModelVersion
                {
                    ModelId = modelIds[i], Number = number, Source = $"s3://bench/{names[i]}/{number}", RunId = runId,
                    Stage = StageOf(number, n), Description = number % 3 == 0 ? $"Retrained on week {number % 52}." : "",
                    CreatedById = adminId, CreatedAt = created, UpdatedAt = created,
                    Tags = number % 2 == 0
                        ? [new VersionTag { Key = "framework", Value = Frameworks[number % Frameworks.Length] }, new VersionTag { Key = "validated", Value = "true" }]
                        : [new VersionTag { Key = "framework", Value = Frameworks[number % Frameworks.Length] }],
                };
                pendingVersions.Add(version);
                if (number == n) pendingAliases.Add(new ModelAlias { ModelId = modelIds[i], Alias = "champion", Version = version });
            }
            if (pendingVersions.Count >= Chunk) await FlushAsync();
        }
        await FlushAsync();
        log.WriteLine($"  {options.Versions:N0} versions in {watch.Elapsed.TotalSeconds:0.0} s");

        await using (var db = NewContext())
        {
            // Requests on versions in None, at most one per version (the rule), each with its activity.
            var candidates = await db.Versions.Where(v => v.Stage == Stage.None && v.ModelId != modelIds[0])
                .OrderBy(v => EF.Functions.Random()).Take(options.PendingRequests)
                .Select(v => new { v.Id, v.ModelId, v.Number }).ToListAsync();
            var requests = candidates.Select(v => new TransitionRequest
            {
                ModelId = v.ModelId, VersionId = v.Id, ToStage = Stage.Staging, Comment = "Ready for validation", RequestedById = adminId,
                CreatedAt = DateTime.UtcNow.AddDays(-random.Next(30)),
            }).ToList();
            db.TransitionRequests.AddRange(requests);
            await db.SaveChangesAsync();
            var nameOf = modelIds.Select((id, index) => (id, index)).ToDictionary(x => x.id, x => names[x.index]);
            db.Activity.AddRange(requests.Select((r, k) => new ActivityEvent
            {
                At = r.CreatedAt, UserId = adminId, Kind = ActivityKind.Requested, ModelId = r.ModelId, ModelName = nameOf[r.ModelId],
                VersionNumber = candidates[k].Number, ToStage = Stage.Staging, Comment = r.Comment, RequestId = r.Id,
            }));
            await db.SaveChangesAsync();
        }

        ActivityKind[] kinds = [ActivityKind.VersionRegistered, ActivityKind.Transitioned, ActivityKind.VersionTagged, ActivityKind.Commented, ActivityKind.ModelDescribed];
        for (var from = 0; from < options.Events; from += Chunk)
        {
            await using var db = NewContext();
            db.Activity.AddRange(Enumerable.Range(from, Math.Min(Chunk, options.Events - from)).Select(e =>
            {
                var i = e % 7 == 0 ? 0 : random.Next(options.Models);
                var kind = kinds[e % kinds.Length];
                // The big model's moves are its stage history (below); a random one would contradict it.
                if (i == 0 && kind == ActivityKind.Transitioned) kind = ActivityKind.Commented;
                return new ActivityEvent
                {
                    At = start.AddSeconds(e * 600.0 * options.Models / Math.Max(1, options.Events)), UserId = adminId, Kind = kind,
                    ModelId = modelIds[i], ModelName = names[i], VersionNumber = kind == ActivityKind.ModelDescribed || counts[i] == 0 ? null : 1 + random.Next(counts[i]),
                    FromStage = kind == ActivityKind.Transitioned ? Stage.None : null, ToStage = kind == ActivityKind.Transitioned ? Stage.Staging : null,
                    Comment = kind == ActivityKind.Commented ? "Looks good on the holdout set." : "",
                    Detail = kind == ActivityKind.VersionTagged ? "validated = true" : "",
                };
            }));
            await db.SaveChangesAsync();
        }
        var history = BigModelHistory(modelIds[0], names[0], counts[0], start, adminId);
        for (var from = 0; from < history.Count; from += Chunk)
        {
            await using var db = NewContext();
            db.Activity.AddRange(history.Skip(from).Take(Chunk));
            await db.SaveChangesAsync();
        }
        await transaction.CommitAsync();
        log.WriteLine($"  {options.Events:N0} events, the big model's history of {history.Count:N0} and {options.PendingRequests:N0} requests; generated in {watch.Elapsed.TotalSeconds:0.0} s");
        if (runIds.Count < 10) runIds.AddRange(Enumerable.Range(0, 10 - runIds.Count).Select(_ => Guid.NewGuid().ToString("N")));
        return new GeneratedRegistry(names[0], counts[0], names, counts, runIds, watch.Elapsed);
    }

    /// <summary>The registry a kept data folder already holds (see --data), or null when it has no models yet.</summary>
    public static async Task<GeneratedRegistry?> ExistingAsync(IDbContextFactory<RegistryDbContext> factory, TextWriter log)
    {
        await using var db = await factory.CreateDbContextAsync();
        var models = await db.Models.Where(m => m.Name.StartsWith("m")).Select(m => new { m.Name, m.LastVersionNumber }).ToListAsync();
        if (models.Count == 0) return null;
        var counts = models.ToDictionary(m => m.Name, m => m.LastVersionNumber);
        var names = Enumerable.Range(0, models.Count).Select(i => $"m{i}").ToList();
        var runIds = await db.Versions.Where(v => v.RunId != "").OrderBy(v => v.Id).Select(v => v.RunId).Take(1_000).ToListAsync();
        log.WriteLine($"  measuring the registry already there: {models.Count:N0} models, {counts.Values.Sum():N0} versions");
        return new GeneratedRegistry(names[0], counts[names[0]], names, names.Select(n => counts[n]).ToList(), runIds, TimeSpan.Zero);
    }

    /// <summary>
    /// The big model's life, five events a version, ending in the stages <see cref="StageOf"/> gives: each version is
    /// registered, moved to Staging, promoted to Production (archiving the one there), and cleaned up from Archived to None
    /// three versions later; the second newest stays in Staging, the two before it in Archived.
    /// </summary>
    private static List<ActivityEvent> BigModelHistory(int modelId, string name, int count, DateTime start, string adminId)
    {
        var events = new List<ActivityEvent>(count * 5);
        ActivityEvent Event(DateTime at, ActivityKind kind, int number, Stage? from = null, Stage? to = null, string comment = "", string detail = "") => new()
        {
            At = at, UserId = adminId, Kind = kind, ModelId = modelId, ModelName = name, VersionNumber = number,
            FromStage = from, ToStage = to, Comment = comment, Detail = detail,
        };
        int? inProduction = null;
        for (var n = 1; n <= count; n++)
        {
            var created = start.AddMinutes(n); // as the version rows: model 0's version n
            events.Add(Event(created, ActivityKind.VersionRegistered, n, detail: $"s3://bench/{name}/{n}").With("description", n % 3 == 0 ? $"Retrained on week {n % 52}." : ""));
            events.Add(Event(created.AddSeconds(10), ActivityKind.Transitioned, n, Stage.None, Stage.Staging, "candidate"));
            if (n == count - 1) continue; // stays in Staging
            var promoted = created.AddSeconds(20);
            events.Add(Event(promoted, ActivityKind.Transitioned, n, Stage.Staging, Stage.Production, "passed the shadow test"));
            if (inProduction is { } previous)
            {
                events.Add(Event(promoted, ActivityKind.Transitioned, previous, Stage.Production, Stage.Archived,
                    detail: $"archived because version {n} moved to Production"));
                if (previous <= count - 4) events.Add(Event(promoted.AddMinutes(3), ActivityKind.Transitioned, previous, Stage.Archived, Stage.None, "cleanup"));
            }
            inProduction = n;
        }
        return events;
    }

    /// <summary>m0 gets the big model's versions; the rest are spread evenly over the other models.</summary>
    private static int[] VersionCounts(BenchOptions options)
    {
        var counts = new int[options.Models];
        counts[0] = options.BigModelVersions;
        var rest = options.Versions - options.BigModelVersions;
        for (var i = 1; i < options.Models; i++) counts[i] = rest / (options.Models - 1) + (i <= rest % (options.Models - 1) ? 1 : 0);
        return counts;
    }

    private static Stage StageOf(int number, int count) => (count - number) switch
    {
        0 => Stage.Production,
        1 => Stage.Staging,
        2 or 3 => Stage.Archived,
        _ => Stage.None,
    };
}
