using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RegistryPortal.Bench;

/// <summary>
/// One line of the table: a figure's p50 and p95 (or its one value, as p50), its target and whether it was met;
/// for timed requests, the CPU time the process spent per request (which a busy machine does not inflate).
/// </summary>
public sealed record Figure(string Name, double P50, double? P95, string Unit, string Target, bool Met, int Samples, string Note = "",
    double? CpuMsPerRequest = null);

/// <summary>Times of repeated requests, in milliseconds.</summary>
public static class Stats
{
    /// <summary>The q-quantile of the sorted samples (nearest rank).</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static Figure Latency(string name, List<double> samples, double targetP95Ms, string target, string note = "")
    {
        samples.Sort();
        var p95 = Quantile(samples, 0.95);
        return new Figure(name, Quantile(samples, 0.50), p95, "ms", target, p95 <= targetP95Ms, samples.Count, note);
    }
}

/// <param name="Concurrency">The concurrent writers on SQLite.</param>
/// <param name="PostgresConcurrency">The same writers through two instances on one PostgreSQL database.</param>
public sealed record BenchReport(string Scale, DateTime StartedAt, double GenerationSeconds, IReadOnlyList<Figure> Figures,
    ConcurrencyOutcome? Concurrency, ConcurrencyOutcome? PostgresConcurrency = null)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string Table()
    {
        static string Num(double? v) => v is not { } x ? "—" : double.IsNaN(x) ? "n/a" : x.ToString(x >= 100 ? "0" : "0.0#", CultureInfo.InvariantCulture);
        var rows = Figures.Select(f => new[]
        {
            f.Name, $"{Num(f.P50)} {f.Unit}", f.P95 is null ? "—" : $"{Num(f.P95)} {f.Unit}", f.Target, f.Met ? "yes" : "NO", f.Note,
        }).ToList();
        return TextTable.Format(["figure", "p50", "p95", "target", "met?", "note"], rows);
    }

    public async Task WriteJsonAsync(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(this, Json));
    }

    public static BenchReport Read(string path) => JsonSerializer.Deserialize<BenchReport>(File.ReadAllText(path), Json)!;
}

/// <summary>Rows of cells as a plain-text table: a header, a rule, columns padded to their widest cell.</summary>
public static class TextTable
{
    public static string Format(string[] header, IReadOnlyList<string[]> rows)
    {
        var widths = header.Select((h, c) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[c].Length))).ToArray();
        var text = new StringBuilder();
        void Line(string[] cells) => text.AppendLine(string.Join(" | ", cells.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
        Line(header);
        text.AppendLine(string.Join("-|-", widths.Select(w => new string('-', w))));
        foreach (var row in rows) Line(row);
        return text.ToString();
    }
}
