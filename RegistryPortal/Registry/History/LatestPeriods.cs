using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;

namespace RegistryPortal.Registry.History;

/// <summary>
/// Reads the stage periods a timeline draws without reading a big model's whole history: its moves newest first, in
/// batches, each move to a stage completing the period that began with it (it lasted until the version's next event),
/// until the periods read fill every lane's window (<see cref="TimelineLayout"/>: the window starts at the end of a
/// full lane's newest left-out period, so nothing older can show). Periods still going at that point, whose start lies
/// further back, are found by the versions' stages at that moment and their moves read one by one, only for those drawn.
/// </summary>
internal static class LatestPeriods
{
    // The window usually needs a few hundred moves: a first batch of those, doubling while more are needed.
    private const int FirstBatch = 512;
    private const int MaxBatch = 8_192;

    private sealed record Move(long Id, DateTime At, ActivityKind Kind, int? Version, Stage? From, Stage? To);

    public static async Task<StageTimeline> ReadAsync(OperationContext op, RegisteredModel model)
    {
        // A version's next event (going back in time: the one already read) ends the period its earlier move began.
        var nextEvent = new Dictionary<int, (DateTime At, Stage? StageBefore)>();
        var periods = new List<StageSegment>();
        var moves = 0;
        (DateTime At, long Id)? position = null;
        var complete = false;
        for (var size = FirstBatch; ; size = Math.Min(size * 2, MaxBatch))
        {
            var batch = await BatchAsync(op, model.Id, position, size);
            foreach (var m in batch)
            {
                if (m.Version is not { } v) continue;
                if (m.Kind == ActivityKind.VersionDeleted)
                {
                    nextEvent[v] = (m.At, null);
                    continue;
                }
                moves++;
                if (m.To is { } to && to != Stage.None)
                    periods.Add(new StageSegment(v, to, m.At, nextEvent.TryGetValue(v, out var next) ? next.At : null, Info(m)));
                nextEvent[v] = (m.At, m.From);
            }
            if (batch.Count < size) { complete = true; break; }
            position = (batch[^1].At, batch[^1].Id);
            if (WindowIsFull(periods, position.Value.At, op.Now)) break;
        }
        if (!complete)
        {
            // Periods going on at the point reached: they started earlier, so the window clips them at its start.
            var stagesNow = await op.Db.Versions.Where(v => v.ModelId == model.Id && v.Stage != Stage.None)
                .Select(v => new { v.Number, v.Stage }).ToDictionaryAsync(v => v.Number, v => v.Stage, op.Ct);
            var reached = position!.Value.At;
            foreach (var (number, stage) in stagesNow.Where(v => !nextEvent.ContainsKey(v.Key)))
                periods.Add(new StageSegment(number, stage, reached, null, Unread));
            foreach (var (number, next) in nextEvent)
            {
                // A deletion does not say the stage it ended (None or Archived): the version's last move before it does.
                var stage = next.StageBefore ?? (await LastMoveBeforeAsync(op, model.Id, number, next.At, stage: null))?.To;
                if (stage is { } held && held != Stage.None) periods.Add(new StageSegment(number, held, reached, next.At, Unread));
            }
        }
        var layout = TimelineLayout.Build(model.Name, periods, complete ? model.CreatedAt : null, op.Now, moves);
        return await WithMovesReadAsync(op, model, layout);
    }

    /// <summary>The start and move of a period whose move was not read (a version's last move before the point reached).</summary>
    private static readonly StageMoveInfo Unread = new(default, "", ActivityKind.Transitioned, "", null, "");

    private static bool IsUnread(StageSegment s) => ReferenceEquals(s.MovedIn, Unread);

    /// <summary>A version's last move before <paramref name="before"/> (to <paramref name="stage"/>, when given), by the (ModelId, VersionNumber, At) index.</summary>
    private static Task<Move?> LastMoveBeforeAsync(OperationContext op, int modelId, int number, DateTime before, Stage? stage) =>
        op.Db.Activity
            .Where(e => e.ModelId == modelId && e.VersionNumber == number && e.At < before
                && (e.Kind == ActivityKind.Transitioned || e.Kind == ActivityKind.Approved) && (stage == null || e.ToStage == stage))
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id)
            .Select(e => new Move(e.Id, e.At, e.Kind, e.VersionNumber, e.FromStage, e.ToStage)).FirstOrDefaultAsync(op.Ct);

    private static Task<List<Move>> BatchAsync(OperationContext op, int modelId, (DateTime At, long Id)? before, int size)
    {
        var moves = op.Db.Activity.Where(e => e.ModelId == modelId && ModelHistory.StageKinds.Contains(e.Kind));
        if (before is { } b) moves = moves.Where(e => e.At < b.At || (e.At == b.At && e.Id < b.Id));
        return moves.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(size)
            .Select(e => new Move(e.Id, e.At, e.Kind, e.VersionNumber, e.FromStage, e.ToStage)).ToListAsync(op.Ct);
    }

    private static StageMoveInfo Info(Move m) => new(m.At, "", m.Kind, "", null, "") { EventId = m.Id };

    /// <summary>
    /// Whether the periods read decide the window: some lane has more than it draws ending after <paramref name="reached"/>,
    /// and the window they give starts no earlier than that point (so every period in it is read or going on there).
    /// </summary>
    private static bool WindowIsFull(List<StageSegment> periods, DateTime reached, DateTime now)
    {
        DateTime? from = null;
        foreach (var lane in periods.GroupBy(p => p.Stage))
        {
            var ends = lane.Select(p => p.Until ?? now).OrderDescending().Take(TimelineLayout.MaxPerLane + 1).ToList();
            if (ends.Count > TimelineLayout.MaxPerLane && (from is null || ends[^1] > from)) from = ends[^1];
        }
        return from is { } start && reached <= start;
    }

    /// <summary>Who moved each drawn period's version there, how and why: read only for the periods drawn.</summary>
    private static async Task<StageTimeline> WithMovesReadAsync(OperationContext op, RegisteredModel model, StageTimeline layout)
    {
        var drawn = layout.Lanes.SelectMany(l => l.Segments).Select(p => p.Segment).ToList();
        // A period going on before the point reached: its version's last move to its stage before then.
        var started = new Dictionary<(int, Stage), (DateTime At, long Id)>();
        foreach (var s in drawn.Where(IsUnread))
        {
            if (await LastMoveBeforeAsync(op, model.Id, s.Version, s.From, s.Stage) is { } move) started[(s.Version, s.Stage)] = (move.At, move.Id);
        }
        var ids = drawn.Select(s => IsUnread(s) ? started.GetValueOrDefault((s.Version, s.Stage)).Id : s.MovedIn.EventId).ToList();
        var words = await op.Db.Activity.Where(e => ids.Contains(e.Id))
            .Select(e => new { e.Id, e.At, e.Kind, e.UserId, e.Comment, e.Detail, e.RequestId }).ToDictionaryAsync(e => e.Id, op.Ct);
        var names = await op.Db.UserNamesAsync(words.Values.Select(w => w.UserId), op.Ct);

        StageSegment Read(StageSegment s)
        {
            var id = IsUnread(s) ? started.GetValueOrDefault((s.Version, s.Stage)).Id : s.MovedIn.EventId;
            if (!words.TryGetValue(id, out var w)) return s; // a stage without its move in the history (imported data)
            return s with
            {
                From = IsUnread(s) ? w.At : s.From,
                MovedIn = new StageMoveInfo(w.At, names(w.UserId), w.Kind, w.Comment, w.RequestId, w.Detail) { EventId = w.Id },
            };
        }
        return layout with
        {
            Lanes = layout.Lanes.Select(lane => lane with { Segments = lane.Segments.Select(p => p with { Segment = Read(p.Segment) }).ToList() }).ToList(),
        };
    }
}
