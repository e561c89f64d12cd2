using System.Globalization;

namespace RegistryPortal.Bench;

/// <summary>The benchmark's scale and output; <c>--smoke</c> sets a tiny scale that later flags can still override.</summary>
public sealed record BenchOptions
{
    public int Models { get; init; } = 10_000;
    public int Versions { get; init; } = 200_000;
    public int BigModelVersions { get; init; } = 10_000;
    public int Events { get; init; } = 50_000;
    /// <summary>Pending transition requests in the generated registry.</summary>
    public int PendingRequests { get; init; } = 1_000;
    /// <summary>Measured requests per figure, after the warm-up.</summary>
    public int Requests { get; init; } = 200;
    /// <summary>Browser page loads per page figure.</summary>
    public int PageLoads { get; init; } = 200;
    public int ArtifactMb { get; init; } = 1024;
    public int Sessions { get; init; } = 100;
    public int ConcurrentClients { get; init; } = 32;
    public int ConcurrentSeconds { get; init; } = 30;
    public string JsonPath { get; init; } = Path.Combine("bench-results", "bench.json");
    public bool Smoke { get; init; }
    /// <summary>Leave the generated data folder behind (for EXPLAIN QUERY PLAN and the like).</summary>
    public bool KeepData { get; init; }
    /// <summary>A data folder to use instead of a new temporary one; kept afterwards, and generated into only when empty.</summary>
    public string? DataFolder { get; init; }
    /// <summary>The groups of figures to measure: api, sessions, pages, timeline, writers, pg-writers, artifacts, registration (all by default).</summary>
    public IReadOnlySet<string> Only { get; init; } = Groups;
    /// <summary>With --scales: the API figures at each of these model counts instead of the usual run (target 5).</summary>
    public IReadOnlyList<int>? Scales { get; init; }
    /// <summary>The page the idle sessions keep open.</summary>
    public string SessionPage { get; init; } = "/models";

    public static readonly IReadOnlySet<string> Groups = new HashSet<string> { "api", "sessions", "pages", "timeline", "writers", "pg-writers", "artifacts", "registration" };

    public bool Runs(string group) => Only.Contains(group);

    public static BenchOptions SmokeScale => new()
    {
        Smoke = true, Models = 50, Versions = 500, BigModelVersions = 100, Events = 200, PendingRequests = 10,
        Requests = 20, PageLoads = 5, ArtifactMb = 4, Sessions = 5, ConcurrentClients = 8, ConcurrentSeconds = 3,
    };

    public const string Usage = """
        RegistryPortal benchmark: generates a registry, hosts the real app on 127.0.0.1 and measures it.
        Options (defaults are the full scale):
          --smoke                   tiny scale (50 models, 500 versions, 4 MB artifact, 5 sessions, 3 s, 20 requests)
          --models N                registered models (10000)
          --versions N              model versions in all (200000)
          --big-model-versions N    versions of the one big model, part of --versions (10000)
          --events N                extra activity events (50000)
          --pending N               pending transition requests (1000)
          --requests N              measured requests per API/server figure, after a warm-up (200)
          --page-loads N            browser page loads per page figure (200)
          --artifact-mb N           size of the uploaded and downloaded artifact (1024)
          --sessions N              idle browser sessions for the memory figure (100)
          --clients N               concurrent writers (32)
          --concurrent-seconds N    how long the writers are measured (30), after a warm-up until the JIT settles
          --json PATH               where the results go as JSON (bench-results/bench.json)
          --only GROUPS             measure only these, comma-separated: api, sessions, pages, timeline, writers, pg-writers
                                    (the writers through two instances on a private PostgreSQL server), artifacts, registration
          --scales N,N,...          only the API figures, at each of these model counts (20 versions each, the big model as
                                    --big-model-versions), in a registry each, as one table of p95 per scale and its growth
                                    (≤ 2× from the smallest to the largest): --scales 1000,10000 takes ~5 minutes,
                                    --scales 1000,10000,100000 generates 2 million versions too (~20 minutes more)
          --session-page URL        the page the idle sessions keep open (/models)
          --keep-data               leave the generated data folder (its path is printed) for inspection
          --data FOLDER             use (and keep) this data folder; a registry already in it is measured as it is
        """;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = args.Contains("--smoke") ? SmokeScale : new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var flag = args[i];
            if (flag == "--smoke") continue;
            if (flag == "--keep-data") { options = options with { KeepData = true }; continue; }
            if (i + 1 >= args.Count) throw new ArgumentException($"{flag} needs a value.\n{Usage}");
            var value = args[++i];
            int N() => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 0
                ? n : throw new ArgumentException($"{flag} takes a whole number, not '{value}'.");
            options = flag switch
            {
                "--models" => options with { Models = N() },
                "--versions" => options with { Versions = N() },
                "--big-model-versions" => options with { BigModelVersions = N() },
                "--events" => options with { Events = N() },
                "--pending" => options with { PendingRequests = N() },
                "--requests" => options with { Requests = N() },
                "--page-loads" => options with { PageLoads = N() },
                "--artifact-mb" => options with { ArtifactMb = N() },
                "--sessions" => options with { Sessions = N() },
                "--clients" => options with { ConcurrentClients = N() },
                "--concurrent-seconds" => options with { ConcurrentSeconds = N() },
                "--json" => options with { JsonPath = value },
                "--session-page" => options with { SessionPage = value },
                "--data" => options with { DataFolder = value },
                "--only" => options with { Only = OnlyGroups(value) },
                "--scales" => options with { Scales = ScaleList(value) },
                _ => throw new ArgumentException($"Unknown option {flag}.\n{Usage}"),
            };
        }
        if (options.Models < 2) throw new ArgumentException("--models must be at least 2 (one big model and others).");
        if (options.BigModelVersions > options.Versions)
            throw new ArgumentException("--big-model-versions is part of --versions, so it cannot be larger.");
        if (options.Requests < 1 || options.PageLoads < 1) throw new ArgumentException("--requests and --page-loads must be at least 1.");
        return options;
    }

    private static List<int> ScaleList(string value)
    {
        var scales = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.TryParse(s, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var n) ? n : 0).ToList();
        if (scales.Count < 2 || scales.Any(n => n < 2) || !scales.SequenceEqual(scales.Order().Distinct()))
            throw new ArgumentException($"--scales takes two or more model counts, each at least 2, smallest first (--scales 1000,10000), not '{value}'.");
        return scales;
    }

    private static HashSet<string> OnlyGroups(string value)
    {
        var groups = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
        if (groups.Count == 0 || !groups.IsSubsetOf(Groups))
            throw new ArgumentException($"--only takes a comma-separated list of {string.Join(", ", Groups)}.");
        return groups;
    }

    public string Scale =>
        $"{Models:N0} models, {Versions:N0} versions (one model with {BigModelVersions:N0}), {Events:N0} activity events, " +
        $"{PendingRequests:N0} pending requests; {Requests} requests and {PageLoads} page loads per figure, " +
        $"{ArtifactMb} MB artifact, {Sessions} idle sessions, {ConcurrentClients} writers for {ConcurrentSeconds} s";
}
