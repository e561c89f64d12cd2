using RegistryPortal.Domain;

namespace RegistryPortal.Registry.History;

/// <summary>One activity event as the history reads it (a projection: the columns it needs).</summary>
public sealed record HistoryEvent(
    long Id, DateTime At, ActivityKind Kind, string ModelName, int? Version, Stage? From, Stage? To,
    string UserId, string Comment, string Detail, int? RequestId, string? Key, string? Value);

/// <summary>
/// Replays one model's events, oldest first, into what the model was after each: its name, description, versions (stage,
/// description), aliases, and every period a version held a stage. No database: the service reads the events, this decides.
/// <para>Every stage change is an event (<see cref="Transitions"/> records the moved version and each version archive-existing
/// moved), so a version's stage is its last move's target; a version deleted, or its model, ends its period.</para>
/// </summary>
public sealed class ModelHistory
{
    /// <summary>The kinds that change a version's stage or end its existence: all the stage timeline reads.</summary>
    public static readonly ActivityKind[] StageKinds =
        [ActivityKind.Transitioned, ActivityKind.Approved, ActivityKind.VersionDeleted, ActivityKind.ModelDeleted];

    /// <summary>The kinds that also change what the "as of" view shows.</summary>
    public static readonly ActivityKind[] StateKinds =
    [
        .. StageKinds, ActivityKind.ModelCreated, ActivityKind.ModelRenamed, ActivityKind.ModelDescribed,
        ActivityKind.VersionRegistered, ActivityKind.VersionDescribed, ActivityKind.AliasSet, ActivityKind.AliasDeleted,
    ];

    private sealed class VersionState
    {
        public Stage Stage = Stage.None;
        public StageMoveInfo? MovedIn;
        public DateTime StageSince;
        public string? Description;
    }

    private readonly SortedDictionary<int, VersionState> versions = [];
    private readonly SortedDictionary<string, int> aliases = new(StringComparer.Ordinal);
    private readonly List<StageSegment> closed = [];

    public string? Name { get; private set; }
    public string? Description { get; private set; }
    public bool DescriptionKnown { get; private set; }
    public DateTime? CreatedAt { get; private set; }
    public DateTime? DeletedAt { get; private set; }
    public int MoveCount { get; private set; }
    public bool AliasesUnknown { get; private set; }

    public void Apply(HistoryEvent e)
    {
        Name = e.ModelName;
        switch (e.Kind)
        {
            case ActivityKind.ModelCreated:
                CreatedAt ??= e.At;
                (Description, DescriptionKnown) = (e.Comment, true);
                break;
            case ActivityKind.ModelDescribed:
                (Description, DescriptionKnown) = (e.Comment, true);
                break;
            case ActivityKind.ModelDeleted:
                DeletedAt = e.At;
                foreach (var number in versions.Keys.ToList()) Remove(number, e.At);
                aliases.Clear();
                break;
            case ActivityKind.VersionRegistered when e.Version is { } number:
                // Since migration ActivityKeyValue a registration keeps the description it was given; before, it is unknown.
                versions[number] = new VersionState { Description = e.Key == "description" ? e.Value ?? "" : null, StageSince = e.At };
                break;
            case ActivityKind.VersionDescribed when e.Version is { } number:
                Version(number, e.At).Description = e.Comment;
                break;
            case ActivityKind.VersionDeleted when e.Version is { } number:
                Remove(number, e.At);
                break;
            case ActivityKind.Transitioned or ActivityKind.Approved when e.Version is { } number && e.To is { } to:
                Move(number, to, e);
                break;
            case ActivityKind.AliasSet when e.Version is { } number:
                if (e.Key is null) AliasesUnknown = true;
                else aliases[e.Key] = number;
                break;
            case ActivityKind.AliasDeleted:
                if (e.Key is null) AliasesUnknown = true;
                else aliases.Remove(e.Key);
                break;
        }
    }

    private VersionState Version(int number, DateTime at)
    {
        // A version whose registration is not in the history (data made outside the services) starts at its first event.
        if (!versions.TryGetValue(number, out var state)) versions[number] = state = new VersionState { StageSince = at };
        return state;
    }

    private void Move(int number, Stage to, HistoryEvent e)
    {
        var state = Version(number, e.At);
        Close(number, state, e.At);
        MoveCount++;
        state.Stage = to;
        state.StageSince = e.At;
        state.MovedIn = new StageMoveInfo(e.At, e.UserId, e.Kind, e.Comment, e.RequestId, e.Detail) { EventId = e.Id };
    }

    private void Remove(int number, DateTime at)
    {
        if (!versions.Remove(number, out var state)) return;
        Close(number, state, at);
        foreach (var alias in aliases.Where(a => a.Value == number).Select(a => a.Key).ToList()) aliases.Remove(alias);
    }

    private void Close(int number, VersionState state, DateTime at)
    {
        if (state is { Stage: not Stage.None, MovedIn: { } movedIn })
            closed.Add(new StageSegment(number, state.Stage, state.StageSince, at, movedIn));
    }

    /// <summary>Every period of a stage other than None, the finished ones and those still going (Until null).</summary>
    public IEnumerable<StageSegment> Segments() =>
        closed.Concat(versions.Where(v => v.Value is { Stage: not Stage.None, MovedIn: not null })
            .Select(v => new StageSegment(v.Key, v.Value.Stage, v.Value.StageSince, null, v.Value.MovedIn!)));

    /// <summary>The versions that exist after the events applied so far, by number.</summary>
    public IEnumerable<VersionAsOf> Versions() =>
        versions.Select(v => new VersionAsOf(v.Key, v.Value.Stage, v.Value.Description, v.Value.MovedIn));

    public IReadOnlyList<AliasView> Aliases() => aliases.Select(a => new AliasView(a.Key, a.Value)).ToList();
}
