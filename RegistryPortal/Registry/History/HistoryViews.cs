using RegistryPortal.Domain;

namespace RegistryPortal.Registry.History;

/// <summary>
/// How a version came to hold a stage: who moved it, when, and with what comment or request.
/// <paramref name="How"/> is <see cref="ActivityKind.Transitioned"/> (a direct move, or archived because another version
/// moved: <paramref name="Detail"/> says which) or <see cref="ActivityKind.Approved"/> (an approved request).
/// </summary>
public sealed record StageMoveInfo(DateTime At, string MovedBy, ActivityKind How, string Comment, int? RequestId, string Detail)
{
    /// <summary>The activity event of the move (the timeline reads its words only for the periods it draws).</summary>
    public long EventId { get; init; }
}

/// <summary>One period in which a version held a stage; <paramref name="Until"/> is null while it still does.</summary>
public sealed record StageSegment(int Version, Stage Stage, DateTime From, DateTime? Until, StageMoveInfo MovedIn);

/// <summary>
/// One stage's line: its periods, stacked on <paramref name="Tracks"/> rows where versions held it at the same time
/// (each segment's row is in <see cref="PlacedSegment.Track"/>), and how many periods are left out (older than the window, or beyond the rows).
/// </summary>
public sealed record StageLane(Stage Stage, IReadOnlyList<PlacedSegment> Segments, int Tracks, int LeftOut);

public sealed record PlacedSegment(StageSegment Segment, int Track);

/// <summary>
/// The stage timeline of a model, from <paramref name="From"/> to <paramref name="Until"/> (now, or the model's deletion):
/// a lane for Staging, Production and Archived. The window starts where every lane's shown periods are complete.
/// </summary>
public sealed record StageTimeline(string ModelName, DateTime From, DateTime Until, IReadOnlyList<StageLane> Lanes, int MoveCount);

/// <summary>A version as it was at a moment; <paramref name="Description"/> is null when the history does not hold it.</summary>
public sealed record VersionAsOf(int Version, Stage Stage, string? Description, StageMoveInfo? MovedIn);

/// <summary>
/// A model as it was at <paramref name="At"/>, answered from its activity: its name then, its description (null when the
/// history does not hold it), its versions' stages and its aliases. <paramref name="CurrentName"/> is its name today, or null
/// when it has been deleted since.
/// </summary>
public sealed record ModelAsOf(
    string Name, DateTime At, string? CurrentName, string? Description, DateTime? CreatedAt,
    IReadOnlyList<VersionAsOf> Versions, IReadOnlyList<AliasView> Aliases,
    /// <summary>True when some version's description at that time is not in the history (set before it was recorded).</summary>
    bool SomeDescriptionsUnknown)
{
    public IEnumerable<VersionAsOf> In(Stage stage) => Versions.Where(v => v.Stage == stage);
}

/// <summary>A model in the registry as it was at a moment: its name then, and now (null once deleted).</summary>
public sealed record ModelSummaryAsOf(string Name, string? CurrentName, DateTime CreatedAt, string CreatedBy);

/// <summary>A version that was in the asked stage at the asked time, with how it got there (null: registered there, never moved).</summary>
public sealed record StageHolder(int Version, StageMoveInfo? MovedIn);

/// <summary>Which versions were in <paramref name="Stage"/> of a model at <paramref name="At"/>; <paramref name="ModelName"/> is its name then.</summary>
public sealed record StageAt(string ModelName, Stage Stage, DateTime At, IReadOnlyList<StageHolder> Versions);
