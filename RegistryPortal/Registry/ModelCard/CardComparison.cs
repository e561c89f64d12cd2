namespace RegistryPortal.Registry.ModelCard;

/// <summary>How a version's entry differs from the first compared version's.</summary>
public enum Difference
{
    Same,
    Added,
    Removed,
    Changed,
}

/// <summary>One version's entry in a compared row: its text ("double", "pandas==2.2.2"; empty when it has none) and its difference.</summary>
public sealed record ComparedCell(string Text, Difference Difference);

/// <summary>One input, output, param or requirement, across the compared versions.</summary>
public sealed record ComparedRow(string Key, IReadOnlyList<ComparedCell> Cells)
{
    public bool Differs => Cells.Any(c => c.Difference != Difference.Same);
}

/// <summary>The signatures and requirements of versions side by side, each version's entries against the first version's.</summary>
public sealed record CardComparison(IReadOnlyList<ComparedRow> Inputs, IReadOnlyList<ComparedRow> Outputs,
    IReadOnlyList<ComparedRow> Params, IReadOnlyList<ComparedRow> Requirements)
{
    public static CardComparison Of(IReadOnlyList<ModelCard> cards) => new(
        Rows(cards, c => Fields(c.MlModel?.Signature?.Inputs)),
        Rows(cards, c => Fields(c.MlModel?.Signature?.Outputs)),
        Rows(cards, c => c.MlModel?.Signature?.Params.ToDictionary(p => p.Name, p => $"{p.Type} = {p.Default}") ?? []),
        Rows(cards, c => c.RequirementLines.GroupBy(RequirementsFile.PackageOf).ToDictionary(g => g.Key, g => string.Join("; ", g))));

    /// <summary>A signature's fields by name; unnamed ones (tensors) by their position.</summary>
    private static Dictionary<string, string> Fields(IReadOnlyList<SchemaField>? fields) =>
        (fields ?? []).Select((f, i) => (Key: f.Name.Length > 0 ? f.Name : $"[{i}]", f.Summary))
            .DistinctBy(f => f.Key).ToDictionary(f => f.Key, f => f.Summary);

    /// <summary>A row per key any version has, in the first version's order, then the others' new keys.</summary>
    private static List<ComparedRow> Rows(IReadOnlyList<ModelCard> cards, Func<ModelCard, Dictionary<string, string>> entries)
    {
        var all = cards.Select(entries).ToList();
        var baseline = all.FirstOrDefault() ?? [];
        return all.SelectMany(e => e.Keys).Distinct().Select(key => new ComparedRow(key, all.Select((e, i) =>
        {
            var text = e.GetValueOrDefault(key, "");
            var before = baseline.GetValueOrDefault(key);
            var difference = i == 0 ? Difference.Same
                : before is null ? (e.ContainsKey(key) ? Difference.Added : Difference.Same)
                : !e.ContainsKey(key) ? Difference.Removed
                : text != before ? Difference.Changed : Difference.Same;
            return new ComparedCell(text, difference);
        }).ToList())).ToList();
    }
}
