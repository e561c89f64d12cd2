using RegistryPortal.Domain;

namespace RegistryPortal.Registry.History;

/// <summary>
/// Lays a model's stage periods out as lanes a page can draw: a model with thousands of moves shows its latest periods,
/// in a window that starts where every lane is complete (no lane looks empty where periods were left out), and versions
/// that held a stage at the same time on rows of their own, up to a few rows.
/// </summary>
public static class TimelineLayout
{
    public static readonly IReadOnlyList<Stage> Stages = [Stage.Staging, Stage.Production, Stage.Archived];

    public const int MaxPerLane = 30;
    public const int MaxTracks = 3;

    /// <param name="start">When the model's history starts (its first event), for a window of a model with few periods.</param>
    /// <param name="until">Now, or when the model was deleted: where periods still going end.</param>
    public static StageTimeline Build(string modelName, IReadOnlyList<StageSegment> segments, DateTime? start, DateTime until, int moveCount,
        int maxPerLane = MaxPerLane, int maxTracks = MaxTracks)
    {
        var byStage = Stages.ToDictionary(s => s, s => segments.Where(x => x.Stage == s).OrderByDescending(x => End(x, until)).ToList());
        // A lane with more periods than it shows is complete only after the end of its newest left-out one.
        var cutoffs = byStage.Values.Where(l => l.Count > maxPerLane).Select(l => End(l[maxPerLane], until)).ToList();
        var from = cutoffs.Count > 0 ? cutoffs.Max()
            : segments.Count > 0 ? Min(segments.Min(s => s.From), start ?? DateTime.MaxValue)
            : start ?? until;
        if (from >= until) from = until.AddMinutes(-1);

        var lanes = Stages.Select(stage =>
        {
            var shown = byStage[stage].Where(s => End(s, until) > from).OrderBy(s => s.From).ThenBy(s => s.Version).ToList();
            var (placed, tracks) = Stack(shown, until, maxTracks);
            return new StageLane(stage, placed, tracks, byStage[stage].Count - placed.Count);
        }).ToList();
        return new StageTimeline(modelName, from, until, lanes, moveCount);
    }

    /// <summary>Each period on the first row free at its start; a period finding no free row among <paramref name="maxTracks"/> is left out.</summary>
    private static (List<PlacedSegment> Placed, int Tracks) Stack(List<StageSegment> shown, DateTime until, int maxTracks)
    {
        var rowEnds = new List<DateTime>();
        var placed = new List<PlacedSegment>();
        foreach (var segment in shown)
        {
            var row = rowEnds.FindIndex(end => end <= segment.From);
            if (row < 0 && rowEnds.Count < maxTracks) { row = rowEnds.Count; rowEnds.Add(default); }
            if (row < 0) continue;
            rowEnds[row] = End(segment, until);
            placed.Add(new PlacedSegment(segment, row));
        }
        return (placed, Math.Max(1, rowEnds.Count));
    }

    private static DateTime End(StageSegment segment, DateTime until) => segment.Until ?? until;

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
}
