using RegistryPortal.Domain;

namespace RegistryPortal.Registry;

/// <summary>One page of a longer list, with the total count of the whole list.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int PageIndex, int PageSize);

public sealed record AliasView(string Alias, int Version);

public sealed record ModelSummary(
    string Name, int? LatestVersion, IReadOnlyList<int> StagingVersions, IReadOnlyList<int> ProductionVersions,
    IReadOnlyList<AliasView> Aliases, IReadOnlyDictionary<string, string> Tags,
    string CreatedBy, DateTime CreatedAt, DateTime UpdatedAt);

public sealed record ModelDetails(
    string Name, string Description, string CreatedBy, string CreatedById, DateTime CreatedAt, DateTime UpdatedAt,
    int VersionCount, int? LatestVersion, bool OneVersionPerStage, Guid ConcurrencyStamp,
    IReadOnlyDictionary<string, string> Tags, IReadOnlyList<AliasView> Aliases,
    /// <summary>The caller's effective level on this model, for showing only what they may do.</summary>
    PermissionLevel YourLevel,
    /// <summary>Why rename and delete are refused right now, or null when they are allowed.</summary>
    string? RenameBlockedBecause, string? DeleteBlockedBecause);

public sealed record VersionView(
    string ModelName, int Version, Stage Stage, VersionStatus Status, string StatusMessage,
    string Source, string RunId, string RunLink,
    /// <summary>Where clients download the files: the registry's own copy, or the source when it has none.</summary>
    string DownloadUri, string Description,
    string CreatedBy, string CreatedById, DateTime CreatedAt, DateTime UpdatedAt, Guid ConcurrencyStamp,
    IReadOnlyDictionary<string, string> Tags, IReadOnlyList<string> Aliases,
    /// <summary>The MLflow 3 logged model it was registered from; empty for other sources.</summary>
    string LoggedModelId = "");

public sealed record RequestView(
    int Id, string ModelName, int Version, Stage ToStage, bool ArchiveExisting, string Comment,
    string RequestedBy, string RequestedById, DateTime CreatedAt, RequestStatus Status,
    string ResolvedBy, DateTime? ResolvedAt, string ResolutionComment);

public sealed record ActivityView(
    long Id, DateTime At, string User, ActivityKind Kind, string ModelName, int? Version,
    Stage? FromStage, Stage? ToStage, string Comment, string Detail);

public enum ModelSort
{
    NameAscending,
    NameDescending,
    UpdatedNewest,
    UpdatedOldest,
}

/// <summary>
/// <paramref name="Text"/>: plain words match model names anywhere, ignoring case; text with an operator
/// (see <see cref="Search.RegistryFilter.LooksLikeFilter"/>) is a registry filter such as <c>tags.team = 'risk'</c>.
/// </summary>
public sealed record ModelQuery(string? Text = null, ModelSort Sort = ModelSort.NameAscending, int PageIndex = 0, int PageSize = 25);
