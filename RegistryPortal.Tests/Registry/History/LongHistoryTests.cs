using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Registry.History;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry.History;

/// <summary>
/// A model with a long history: the timeline reads only its latest moves (newest first, until the window is decided),
/// and must draw exactly what the whole history replayed would.
/// </summary>
public class LongHistoryTests
{
    [Fact]
    public async Task The_timeline_of_a_long_history_reads_back_only_as_far_as_it_draws_and_draws_what_the_whole_history_gives()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var owner = await registry.UserAsync(Roles.Editor);
        const string name = "long-history";
        await registry.Models.CreateAsync(owner, name);
        var modelId = await registry.ModelIdAsync(name);
        const int count = 1_300; // five moves or registrations a version: more than one batch of reading
        var start = DateTime.UtcNow.AddDays(-30);
        await registry.QueryAsync(async db =>
        {
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var n = 1; n <= count; n++)
            {
                var stage = (count - n) switch { 0 => Stage.Production, 1 => Stage.Staging, 2 or 3 => Stage.Archived, _ => Stage.None };
                db.Versions.Add(new ModelVersion
                {
                    ModelId = modelId, Number = n, Source = $"s3://b/{n}", Stage = stage, CreatedById = owner.UserId,
                    CreatedAt = start.AddMinutes(n), UpdatedAt = start.AddMinutes(n),
                });
            }
            db.Activity.AddRange(History(modelId, name, count, start, owner.UserId));
            var model = await db.Models.SingleAsync(m => m.Id == modelId);
            model.LastVersionNumber = count;
            return await db.SaveChangesAsync();
        });

        var timeline = await registry.Services.GetRequiredService<StageHistoryService>().TimelineAsync(owner, name);

        var events = await registry.EventsOfModelIdAsync(modelId);
        var replay = new ModelHistory();
        foreach (var e in events.OrderBy(e => e.At).ThenBy(e => e.Id))
            replay.Apply(new HistoryEvent(e.Id, e.At, e.Kind, e.ModelName, e.VersionNumber, e.FromStage, e.ToStage, e.UserId, e.Comment, e.Detail, e.RequestId, e.Key, e.Value));
        var whole = TimelineLayout.Build(name, replay.Segments().ToList(), start, timeline.Until, replay.MoveCount);

        Assert.True(timeline.MoveCount < replay.MoveCount / 2, $"read {timeline.MoveCount} of {replay.MoveCount} moves");
        Assert.Equal(whole.From, timeline.From);
        foreach (var stage in TimelineLayout.Stages)
        {
            static IEnumerable<(int, DateTime, DateTime?, long, string)> Drawn(StageTimeline t, Stage s) => t.Lanes.Single(l => l.Stage == s).Segments
                .Select(p => (p.Segment.Version, p.Segment.From, p.Segment.Until, p.Segment.MovedIn.EventId, p.Segment.MovedIn.Comment)).Order();
            Assert.Equal(Drawn(whole, stage), Drawn(timeline, stage));
        }
        // The period still going from before the point read back to (version count-3 in Archived) has its real start and move.
        var archived = timeline.Lanes.Single(l => l.Stage == Stage.Archived).Segments.Select(p => p.Segment).Single(s => s.Version == count - 3);
        Assert.Equal(("", "archived because version 1298 moved to Production"), (archived.MovedIn.Comment, archived.MovedIn.Detail));
        Assert.NotEqual("", archived.MovedIn.MovedBy);
    }

    /// <summary>As the benchmark's big model: registered, to Staging, promoted (archiving the one before), cleaned up to None later.</summary>
    private static List<ActivityEvent> History(int modelId, string name, int count, DateTime start, string userId)
    {
        var events = new List<ActivityEvent>();
        ActivityEvent Event(DateTime at, ActivityKind kind, int number, Stage? from = null, Stage? to = null, string comment = "", string detail = "") => new()
        {
            At = at, UserId = userId, Kind = kind, ModelId = modelId, ModelName = name, VersionNumber = number,
            FromStage = from, ToStage = to, Comment = comment, Detail = detail,
        };
        int? inProduction = null;
        for (var n = 1; n <= count; n++)
        {
            var created = start.AddMinutes(n);
            events.Add(Event(created, ActivityKind.VersionRegistered, n).With("description", ""));
            events.Add(Event(created.AddSeconds(10), ActivityKind.Transitioned, n, Stage.None, Stage.Staging, $"candidate {n}"));
            if (n == count - 1) continue;
            var promoted = created.AddSeconds(20);
            events.Add(Event(promoted, ActivityKind.Approved, n, Stage.Staging, Stage.Production, $"promoted {n}"));
            if (inProduction is { } previous)
            {
                events.Add(Event(promoted, ActivityKind.Transitioned, previous, Stage.Production, Stage.Archived, detail: $"archived because version {n} moved to Production"));
                if (previous <= count - 4) events.Add(Event(promoted.AddMinutes(3), ActivityKind.Transitioned, previous, Stage.Archived, Stage.None, "cleanup"));
            }
            inProduction = n;
        }
        return events;
    }
}
