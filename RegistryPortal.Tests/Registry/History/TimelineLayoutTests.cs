using RegistryPortal.Domain;
using RegistryPortal.Registry.History;

namespace RegistryPortal.Tests.Registry.History;

/// <summary>How a long history is laid out: the latest periods, a window where every lane is complete, rows for overlaps.</summary>
public class TimelineLayoutTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static StageSegment Period(int version, Stage stage, int fromHour, int? untilHour) =>
        new(version, stage, T0.AddHours(fromHour), untilHour is { } u ? T0.AddHours(u) : null,
            new StageMoveInfo(T0.AddHours(fromHour), "ana", ActivityKind.Transitioned, "", null, ""));

    [Fact]
    public void Versions_holding_a_stage_at_once_go_on_rows_of_their_own_and_beyond_the_last_row_are_counted_as_left_out()
    {
        List<StageSegment> periods = [Period(1, Stage.Archived, 0, null), Period(2, Stage.Archived, 1, null), Period(3, Stage.Archived, 2, 3), Period(4, Stage.Archived, 3, null)];
        var lane = TimelineLayout.Build("m", periods, T0, T0.AddHours(10), 4, maxTracks: 2).Lanes.Single(l => l.Stage == Stage.Archived);
        Assert.Equal([(1, 0), (2, 1)], lane.Segments.Select(p => (p.Segment.Version, p.Track)).ToArray());
        Assert.Equal((2, 2), (lane.Tracks, lane.LeftOut));
    }

    [Fact]
    public void A_long_history_shows_the_latest_periods_from_where_every_lane_is_complete()
    {
        // Production changes every hour (100 periods), Staging once: the window starts after Production's newest left-out period.
        var periods = Enumerable.Range(0, 100).Select(h => Period(h + 1, Stage.Production, h, h == 99 ? null : h + 1)).ToList();
        periods.Add(Period(200, Stage.Staging, 0, null));
        var timeline = TimelineLayout.Build("m", periods, T0, T0.AddHours(100), 101, maxPerLane: 10);

        Assert.Equal(T0.AddHours(90), timeline.From);
        var production = timeline.Lanes.Single(l => l.Stage == Stage.Production);
        Assert.Equal(Enumerable.Range(91, 10).ToArray(), production.Segments.Select(p => p.Segment.Version).ToArray());
        Assert.Equal(90, production.LeftOut);
        Assert.Equal([200], timeline.Lanes.Single(l => l.Stage == Stage.Staging).Segments.Select(p => p.Segment.Version).ToArray());
    }
}
