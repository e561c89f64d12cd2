using System.Text.RegularExpressions;
using RegistryPortal.Data;
using RegistryPortal.Domain;

namespace RegistryPortal.Registry.Search;

/// <summary>
/// A parsed registry search filter (MLflow's syntax): comparisons joined with AND, such as
/// <c>name LIKE 'fraud%' AND tags.team = 'risk'</c>. Used by the models list and the HTTP API.
/// </summary>
public sealed partial class RegistryFilter
{
    private RegistryFilter(FilterSubject subject, IReadOnlyList<FilterComparison> comparisons)
    {
        Subject = subject;
        Comparisons = comparisons;
    }

    public FilterSubject Subject { get; }

    /// <summary>The comparisons, all of which a row must satisfy; none for an empty filter.</summary>
    public IReadOnlyList<FilterComparison> Comparisons { get; }

    /// <summary>Parses a registered-model filter; throws <see cref="RegistryError"/> (invalid value) saying where and what.</summary>
    public static RegistryFilter ForModels(string? text) => Parse(text, FilterSubject.Models);

    /// <summary>Parses a model-version filter; throws <see cref="RegistryError"/> (invalid value) saying where and what.</summary>
    public static RegistryFilter ForVersions(string? text) => Parse(text, FilterSubject.Versions);

    public static RegistryFilter Parse(string? text, FilterSubject subject) =>
        new(subject, new FilterParser(text ?? "", subject).Parse());

    /// <summary>
    /// Whether search-box text is meant as a filter rather than part of a name: it contains =, !=, &lt;, &gt;,
    /// the word LIKE or ILIKE, or IN before a parenthesis. A bare "in" is common in plain words, so it needs the "(".
    /// </summary>
    public static bool LooksLikeFilter(string? text) => text is not null && OperatorPattern().IsMatch(text);

    public IQueryable<RegisteredModel> ApplyTo(IQueryable<RegisteredModel> models, RegistryDbContext db)
    {
        Demand(FilterSubject.Models);
        return FilterTranslator.Apply(models, db, Comparisons);
    }

    public IQueryable<ModelVersion> ApplyTo(IQueryable<ModelVersion> versions, RegistryDbContext db)
    {
        Demand(FilterSubject.Versions);
        return FilterTranslator.Apply(versions, db, Comparisons);
    }

    /// <summary>Experiments have what registered models have to filter on, a name and tags: parse with <see cref="ForModels"/>.</summary>
    public IQueryable<Tracking.Experiment> ApplyTo(IQueryable<Tracking.Experiment> experiments, RegistryDbContext db)
    {
        Demand(FilterSubject.Models);
        return FilterTranslator.Apply(experiments, db, Comparisons);
    }

    // "name" and "tags.x" mean the model's on one search and the version's (own tags) on the other.
    private void Demand(FilterSubject subject)
    {
        if (Subject != subject)
            throw new InvalidOperationException($"This filter was parsed for {Subject}; parse it with For{subject} to apply it to {subject}.");
    }

    [GeneratedRegex(@"[=<>]|\bI?LIKE\b|\bIN\s*\(", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OperatorPattern();
}
