using RegistryPortal.Search;

namespace RegistryPortal.Registry.Search;

/// <summary>What a filter searches: the two registry searches accept different attributes.</summary>
public enum FilterSubject
{
    Models,
    Versions,
}

public enum FilterAttribute
{
    Name,
    VersionNumber,
    RunId,
    SourcePath,
}

/// <summary>The left side of a comparison: an attribute of the row, or the value of one of its tags.</summary>
public abstract record FilterTarget;

public sealed record AttributeTarget(FilterAttribute Attribute) : FilterTarget;

public sealed record TagTarget(string Key) : FilterTarget;

/// <summary>The right side of a comparison.</summary>
public abstract record FilterValue;

public sealed record TextValue(string Text) : FilterValue;

public sealed record NumberValue(int Number) : FilterValue;

public sealed record TextListValue(IReadOnlyList<string> Items) : FilterValue;

/// <summary>One comparison of the filter; <paramref name="Position"/> (1-based) is where it starts in the text.</summary>
public sealed record FilterComparison(FilterTarget Target, FilterOperator Operator, FilterValue Value, int Position);
