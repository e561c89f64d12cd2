using RegistryPortal.Domain;
using RegistryPortal.Search;
using static RegistryPortal.Search.FilterOperator;

namespace RegistryPortal.Registry.Search;

/// <summary>An attribute as the filter text names it, the operators it takes and an example value for messages.</summary>
internal sealed record AttributeRule(FilterAttribute Attribute, string Name, IReadOnlyList<FilterOperator> Operators, string Example)
{
    public bool TakesNumbers => Attribute == FilterAttribute.VersionNumber;
}

/// <summary>Which attributes and operators each search accepts: MLflow's registry search rules.</summary>
internal static class FilterRules
{
    private static readonly IReadOnlyList<FilterOperator> TextOperators = FilterOperators.Text;
    public static readonly IReadOnlyList<FilterOperator> TagOperators = TextOperators;

    private static readonly AttributeRule Name = new(FilterAttribute.Name, "name", TextOperators, "'my-model'");
    private static readonly AttributeRule VersionNumber =
        new(FilterAttribute.VersionNumber, "version_number", FilterOperators.Number, "3");
    // MLflow also accepts LIKE and ILIKE on run_id; IN is for run_id only.
    private static readonly AttributeRule RunId = new(FilterAttribute.RunId, "run_id", [.. TextOperators, In], "'a1b2c3'");
    private static readonly AttributeRule SourcePath = new(FilterAttribute.SourcePath, "source_path", TextOperators, "'s3://bucket/model'");

    public static IReadOnlyList<AttributeRule> For(FilterSubject subject) =>
        subject == FilterSubject.Models ? [Name] : [Name, VersionNumber, RunId, SourcePath];

    /// <summary>"name, tags.&lt;key&gt; or tags.`key with spaces`": what a message suggests instead of an unknown attribute.</summary>
    public static string Suggestions(FilterSubject subject) =>
        string.Join(", ", For(subject).Select(a => a.Name)) + ", tags.<key> or tags.`key with spaces`";
}

internal static class FilterErrors
{
    public static RegistryError At(int position, string what) =>
        RegistryError.InvalidValue($"Invalid filter at position {position}: {what}");
}
