using RegistryPortal.Domain;

namespace RegistryPortal.Registry;

/// <summary>One page of a longer list, with the total count of the whole list.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int PageIndex, int PageSize);

public sealed record AliasView(string Alias, int Version);

public sealed record ModelSummary(
    string Name, int? LatestVersion, IReadOnlyList<int> StagingVersions, IReadOnlyList<int> ProductionVersions,
    IReadOnlyList<AliasView> Aliases, IReadOnlyDictionary<string, string> Tags,
    string CreatedBy, DateTime CreatedAt, DateTime UpdatedAt,
    /// <summary>Its pending transition requests, of every version.</summary>
    int PendingRequests = 0);

public sealed record ModelDetails(
    string Name, string Description, string CreatedBy, string CreatedById, DateTime CreatedAt, DateTime UpdatedAt,
    int VersionCount, int? LatestVersion, bool OneVersionPerStage, Guid ConcurrencyStamp,
    IReadOnlyDictionary<string, string> Tags, IReadOnlyList<AliasView> Aliases,
    /// <summary>The caller's effective level on this model, for showing only what they may do.</summary>
    PermissionLevel YourLevel,
    /// <summary>Why rename and delete are refused to the caller right now (their level, or live versions), or null when they are allowed.</summary>
    string? RenameBlockedBecause, string? DeleteBlockedBecause,
    /// <summary>Whether four-eyes protection applies: Production moves need a request approved by someone else.</summary>
    bool FourEyes = false,
    /// <summary>True when the model follows the registry's default rather than a setting of its own.</summary>
    bool FourEyesByDefault = true,
    /// <summary>Why the caller may not switch four-eyes protection (off) right now, or null when they may.</summary>
    string? FourEyesLockedBecause = null);

public sealed record VersionView(
    string ModelName, int Version, Stage Stage, VersionStatus Status, string StatusMessage,
    string Source, string RunId, string RunLink,
    /// <summary>Where clients download the files: the registry's own copy, or the source when it has none.</summary>
    string DownloadUri, string Description,
    string CreatedBy, string CreatedById, DateTime CreatedAt, DateTime UpdatedAt, Guid ConcurrencyStamp,
    IReadOnlyDictionary<string, string> Tags, IReadOnlyList<string> Aliases,
    /// <summary>The MLflow 3 logged model it was registered from; empty for other sources.</summary>
    string LoggedModelId = "");

/// <summary>
/// Everything the version page shows, read in one operation: the version, what the caller may do with it (and why
/// not), its open requests, its activity and where it came from.
/// </summary>
public sealed record VersionDetails(
    VersionView Version,
    /// <summary>The caller's effective level on the model: ask it <c>Allows(Ability.X)</c>.</summary>
    PermissionLevel YourLevel,
    /// <summary>Every stage the version may go to, and whether the caller moves it or asks a reviewer to.</summary>
    IReadOnlyList<StageMove> StageMoves,
    /// <summary>Why deleting the version is refused right now, or null when it is allowed.</summary>
    string? DeleteBlockedBecause,
    /// <summary>Pending transition requests, newest first.</summary>
    IReadOnlyList<OpenRequest> Requests,
    /// <summary>The version's history, newest first.</summary>
    IReadOnlyList<ActivityView> Activity,
    /// <summary>The run the version came from, when it is in the portal and the caller may see it.</summary>
    SourceRun? Run,
    /// <summary>The logged model the version was registered from, when it still exists and the caller may see it.</summary>
    SourceLoggedModel? LoggedModel,
    /// <summary>Whether four-eyes protection applies to the model: Production moves are requests, approved by someone else.</summary>
    bool FourEyes = false);

/// <summary>
/// A stage a version may go to: <see cref="Direct"/> when the caller may make the move now, else a request for a
/// reviewer. Only meaningful ones are offered: no request the caller could make directly, none to None, none already pending.
/// </summary>
public sealed record StageMove(Stage Target, bool Direct);

/// <summary>A pending request and what the caller may do with it.</summary>
/// <param name="MayApprove">Approve: the level for the move and, under four-eyes, not the requester.</param>
/// <param name="MayReject">Reject: the level for the move.</param>
/// <param name="ApproveBlockedBecause">Why the caller, who may reject, may not approve (four-eyes), or null.</param>
public sealed record OpenRequest(RequestView Request, bool MayApprove, bool MayReject, bool MayCancel, string? ApproveBlockedBecause = null);

public sealed record SourceRun(int ExperimentId, string RunId);

public sealed record SourceLoggedModel(int ExperimentId, string Id, string Name);

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
