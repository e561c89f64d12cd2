namespace RegistryPortal.Cli.Output;

/// <summary>Plain aligned columns, two spaces apart: readable in a terminal, and cut with awk in a script.</summary>
internal static class Table
{
    public static void Write(TextWriter output, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var lines = rows.Prepend(headers).ToList();
        var widths = headers.Select((_, i) => lines.Max(l => l[i].Length)).ToArray();
        foreach (var line in lines)
            output.WriteLine(string.Join("  ", line.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
    }

    /// <summary>A description's first line, cut to <paramref name="max"/> characters so rows stay one line each.</summary>
    public static string Cell(string text, int max = 50)
    {
        var first = text.Split('\n', 2)[0].Trim();
        return first.Length <= max ? first : first[..(max - 1)] + "…";
    }
}
