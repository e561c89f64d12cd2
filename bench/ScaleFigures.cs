using System.Globalization;

namespace RegistryPortal.Bench;

/// <summary>
/// Target 5, cost as the registry grows: the API figures at each of <c>--scales</c> models (every model 20
/// versions, the big one <c>--big-model-versions</c> at every scale so its figures compare), each scale in a
/// registry of its own, printed as one table of p95 per scale; a figure's p95 may grow at most 2× from the
/// smallest scale to the largest.
/// </summary>
public static class ScaleFigures
{
    public const int VersionsPerModel = 20;
    private const double MaxGrowth = 2;

    /// <summary>The registry of one scale: the rest of the counts in the default run's proportions (5 events a model, a pending request per 10).</summary>
    public static BenchOptions At(BenchOptions options, int models) => options with
    {
        Models = models, Versions = VersionsPerModel * (models - 1) + options.BigModelVersions,
        Events = 5 * models, PendingRequests = models / 10,
    };

    public static async Task<List<Figure>> RunAsync(BenchOptions options, TextWriter log)
    {
        var perScale = new List<(int Models, List<Figure> Figures)>();
        foreach (var models in options.Scales!)
        {
            var scale = At(options, models);
            log.WriteLine($"Scale {models:N0} models: {scale.Scale}");
            // A kept --data folder holds one registry per scale, so a later run measures them without generating.
            await using var host = await BenchHost.StartAsync(options.DataFolder is { } data ? Path.Combine(data, $"scale-{models}") : null, options.KeepData);
            log.WriteLine($"  app at {host.BaseUrl}, data in {host.DataFolder}");
            var registry = await DataGenerator.ExistingAsync(host.Db, log) ?? await DataGenerator.GenerateAsync(host.Db, host.AdminId, scale, log);
            perScale.Add((models, (await ApiFigures.RunAsync(host, registry, scale, log)).Where(f => f.P95 is not null).ToList()));
        }
        log.WriteLine();
        log.Write(Table(perScale));
        log.WriteLine();
        return Growth(perScale);
    }

    /// <summary>One figure per API figure: its p95 at the largest scale over its p95 at the smallest.</summary>
    private static List<Figure> Growth(List<(int Models, List<Figure> Figures)> perScale)
    {
        var (first, last) = (perScale[0], perScale[^1]);
        return first.Figures.Select((figure, i) =>
        {
            var growth = last.Figures[i].P95!.Value / figure.P95!.Value;
            var p95s = string.Join(" → ", perScale.Select(s => $"{s.Figures[i].P95:0.0} ms"));
            var cpus = string.Join(" → ", perScale.Select(s => $"{s.Figures[i].CpuMsPerRequest:0.0}"));
            return new Figure($"{figure.Name}: p95 at {last.Models:N0} / at {first.Models:N0} models", growth, null, "×",
                $"≤ {MaxGrowth:0}×", growth <= MaxGrowth, perScale.Sum(s => s.Figures[i].Samples), $"p95 {p95s}; CPU ms/request {cpus}");
        }).ToList();
    }

    /// <summary>Figure × scale: p95 (CPU ms per request), then the growth of each from the smallest scale to the largest.</summary>
    private static string Table(List<(int Models, List<Figure> Figures)> perScale)
    {
        static string Num(double? v) => v is { } x ? x.ToString("0.0", CultureInfo.InvariantCulture) : "—";
        string[] header = ["figure", .. perScale.Select(s => $"p95 ms (CPU ms) at {s.Models:N0}"), "p95 growth", "CPU growth", "met?"];
        var rows = perScale[0].Figures.Select((figure, i) =>
        {
            var (p95, cpu) = (perScale[^1].Figures[i].P95 / figure.P95, perScale[^1].Figures[i].CpuMsPerRequest / figure.CpuMsPerRequest);
            return new[] { figure.Name }
                .Concat(perScale.Select(s => $"{Num(s.Figures[i].P95)} ({Num(s.Figures[i].CpuMsPerRequest)})"))
                .Concat([$"{Num(p95)}×", $"{Num(cpu)}×", p95 <= MaxGrowth ? "yes" : "NO"]).ToArray();
        }).ToList();
        return TextTable.Format(header, rows);
    }
}
