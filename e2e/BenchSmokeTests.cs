using RegistryPortal.Bench;

namespace RegistryPortal.E2E;

/// <summary>
/// The benchmark (bench/) at its smoke scale, so it never rots: every figure is measured and has
/// numbers, the JSON is written, and the concurrent writers broke no invariant and met no error but a
/// conflict or a rule's refusal. Speed targets are the full run's business, never asserted here.
/// </summary>
[Collection(BenchSmokeCollection.Name)]
public sealed class BenchSmokeTests
{
    [Fact]
    public async Task Smoke_run_measures_every_figure_and_the_concurrent_writers_keep_the_invariants()
    {
        var json = Path.Combine(Path.GetTempPath(), $"registryportal-bench-smoke-{Guid.NewGuid():N}.json");
        var log = new StringWriter();
        try
        {
            var report = await BenchRunner.RunAsync(["--smoke", "--json", json], log);

            string[] expected =
            [
                "models search, no filter", "models search, uncached (every model on the page changed since), no filter", "models search, name LIKE 'm1%'", "models search, tags.team = 'risk'",
                "models search, 10 pages by page token", "versions search, name = ", "versions search, run_id IN",
                "versions search, 100-version model", "get-latest-versions (100-version model)", "get-latest-versions (other models)",
                "get-download-uri", "model-versions/get", "registered-models/get (Bearer token)", "registered-models/get (Basic user and password)",
                "reads/s of registered models, 8 clients, Bearer token", "reads/s of registered models, 8 clients, Basic user and password", "models list page: server response", "models list page: table visible in Chromium",
                "model page (100 versions): server response", "model page (100 versions): table visible in Chromium",
                "stage timeline of the big model (100 versions): server render",
                "concurrent writers: latency per write", "concurrent writers: throughput", "writers through the service (no HTTP)",
                "writers on PostgreSQL, two instances: latency per write", "writers on PostgreSQL, two instances: throughput",
                "artifact upload (PUT) 4 MB, speed / cp", "artifact upload (PUT) 4 MB, speed / transport floor",
                "artifact download (GET) 4 MB, speed / cp", "artifact download (GET) 4 MB, speed / transport floor",
                "artifact upload (PUT) 4 MB through the proxy, Azure Blob (Azurite)", "artifact download (GET) 4 MB through the proxy, Azure Blob (Azurite)",
                "artifact upload (PUT) 4 MB through the proxy, S3 (s3rver)", "artifact download (GET) 4 MB through the proxy, S3 (s3rver)",
                "model-versions/create from a logged model, 1 MB", "model-versions/create from a logged model, 8 MB", "idle browser session",
            ];
            Assert.Equal(expected.Length, report.Figures.Count);
            foreach (var name in expected) Assert.Single(report.Figures, f => f.Name.Contains(name, StringComparison.Ordinal));
            Assert.All(report.Figures, f =>
            {
                Assert.True(double.IsFinite(f.P50), $"{f.Name}: p50 is {f.P50}");
                Assert.True(f.P95 is null || double.IsFinite(f.P95.Value), $"{f.Name}: p95 is {f.P95}");
                Assert.True(f.Samples > 0, $"{f.Name}: no samples");
            });
            // --smoke measures 20 requests per API and server figure (and 5 browser loads per page figure).
            Assert.All(report.Figures.Where(f => f.Name.Contains("search") || f.Name.Contains("get") || f.Name.Contains("server response")),
                f => Assert.Equal(20, f.Samples));

            foreach (var writers in new[] { report.Concurrency, report.PostgresConcurrency })
            {
                Assert.NotNull(writers);
                Assert.Empty(writers.BrokenInvariants);
                Assert.True(writers.Errors == 0, $"errors: {string.Join(" | ", writers.ErrorSamples)}");
                Assert.True(writers.Succeeded > 0, "no write succeeded");
            }

            var written = BenchReport.Read(json);
            Assert.Equal(report.Figures.Select(f => f.Name), written.Figures.Select(f => f.Name));
            Assert.Contains("| met?", report.Table());
        }
        finally
        {
            TestContext.Current.TestOutputHelper?.WriteLine(log.ToString());
            File.Delete(json);
        }
    }
}

/// <summary>--scales at two tiny scales: a registry each, the API figures in both, one growth figure per latency figure.</summary>
[Collection(BenchSmokeCollection.Name)]
public sealed class BenchScalesSmokeTests
{
    [Fact]
    public async Task Scales_measure_the_API_figures_in_a_registry_per_scale_and_report_each_figures_growth()
    {
        var json = Path.Combine(Path.GetTempPath(), $"registryportal-bench-scales-{Guid.NewGuid():N}.json");
        var log = new StringWriter();
        try
        {
            var report = await BenchRunner.RunAsync(["--smoke", "--scales", "20,40", "--big-model-versions", "30", "--json", json], log);

            // The 14 timed searches and gets (not the two reads/s figures), each as its p95 at 40 models over at 20.
            Assert.Equal(14, report.Figures.Count);
            Assert.All(report.Figures, f =>
            {
                Assert.EndsWith(": p95 at 40 / at 20 models", f.Name);
                Assert.True(double.IsFinite(f.P50) && f.P50 > 0, $"{f.Name}: growth is {f.P50}");
                Assert.Equal(40, f.Samples); // 20 requests at each scale
                Assert.Equal(f.P50 <= 2, f.Met);
            });
            Assert.Contains("versions search, 30-version model", string.Join("\n", report.Figures.Select(f => f.Name)));
            var text = log.ToString();
            Assert.Contains("| p95 ms (CPU ms) at 20 | p95 ms (CPU ms) at 40 | p95 growth | CPU growth | met?", text);
            Assert.Contains("20 models, 410 versions", report.Scale); // 19 × 20 + the big model's 30
            Assert.Equal(report.Figures.Select(f => f.Name), BenchReport.Read(json).Figures.Select(f => f.Name));
        }
        finally
        {
            TestContext.Current.TestOutputHelper?.WriteLine(log.ToString());
            File.Delete(json);
        }
    }
}

/// <summary>The smoke run measures memory in this process: no other test runs beside it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BenchSmokeCollection
{
    public const string Name = "bench-smoke";
}
