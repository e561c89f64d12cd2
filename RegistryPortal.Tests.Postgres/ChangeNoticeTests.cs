using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using RegistryPortal.Data;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Postgres;

/// <summary>
/// The changes a write commits reach the other instances (<see cref="ChangeFeedAnnouncer"/> to <see cref="ChangeFeedListener"/>),
/// and a rolled-back write's never do. Each test has a database of its own: notices are per database.
/// </summary>
public sealed class ChangeNoticeTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private TestRegistry registry = null!;
    private ServiceProvider other = null!;
    private readonly ConcurrentQueue<RegistryChange> heardThere = new();
    private readonly ConcurrentQueue<RegistryChange> publishedHere = new();

    public async ValueTask InitializeAsync()
    {
        registry = await TestRegistry.CreateWithOwnLocksAsync();
        other = registry.OtherInstance();
        other.GetRequiredService<RegistryChanges>().Changed += list => { foreach (var c in list) heardThere.Enqueue(c); return Task.CompletedTask; };
        registry.Services.GetRequiredService<RegistryChanges>().Changed += list => { foreach (var c in list) publishedHere.Enqueue(c); return Task.CompletedTask; };
        await other.GetServices<IHostedService>().OfType<ChangeFeedListener>().Single().StartAsync(CancellationToken.None);
        await registry.Services.GetServices<IHostedService>().OfType<ChangeFeedAnnouncer>().Single().StartAsync(CancellationToken.None);
        await UntilListeningAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await other.GetServices<IHostedService>().OfType<ChangeFeedListener>().Single().StopAsync(CancellationToken.None);
        await registry.Services.GetServices<IHostedService>().OfType<ChangeFeedAnnouncer>().Single().StopAsync(CancellationToken.None);
        await other.DisposeAsync();
        await registry.DisposeAsync();
    }

    [Fact]
    public async Task The_other_instance_hears_every_change_a_write_here_published_in_order()
    {
        var (name, owner) = await registry.ModelWithVersionsAsync(2);
        await registry.Stages.TransitionAsync(owner, name, 1, "Staging");
        await registry.Versions.SetTagAsync(owner, name, 2, "team", "risk");
        await Assert.ThrowsAsync<RegistryError>(() => registry.Stages.TransitionAsync(owner, name, 9, "Staging"));

        RegistryChange[] expected =
        [
            new(name, null, ActivityKind.ModelCreated), new(name, 1, ActivityKind.VersionRegistered), new(name, 2, ActivityKind.VersionRegistered),
            new(name, 1, ActivityKind.Transitioned), new(name, 2, ActivityKind.VersionTagged),
        ];
        var heard = await HeardAsync(name, expected.Length);
        Assert.Equal(Sorted(expected), Sorted(heard));
        Assert.Equal(Sorted(publishedHere.Where(c => c.ModelName == name)), Sorted(heard));
    }

    [Fact]
    public async Task A_write_with_many_changes_reaches_the_other_instance_whole_and_a_rolled_back_write_never_does()
    {
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        var store = registry.Services.GetRequiredService<RegistryStore>();
        // ~60 bytes each: more than one notice's 7,000 bytes, so they go as several notices. (Distinct: PostgreSQL
        // delivers equal notices of one transaction once, and the announcer sends a change once a round.)
        await store.WriteModelAsync(owner, async op =>
        {
            var model = await op.FindModelAsync(name);
            for (var i = 0; i < 300; i++) op.Record(ActivityKind.VersionTagged, model, new ModelVersion { Number = 1000 + i, CreatedById = owner.UserId });
        });
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.WriteModelAsync(owner, async op =>
        {
            op.Record(ActivityKind.ModelDescribed, await op.FindModelAsync(name));
            throw new InvalidOperationException("rolled back");
        }));
        await registry.Models.SetTagAsync(owner, name, "last", "write");

        await HeardAsync(name, 2 + 300 + 1); // created, version 1, the 300, the last tag
        await Task.Delay(200); // anything more would have come with the last write's notice or before it
        var heard = heardThere.Where(c => c.ModelName == name).ToList();
        Assert.Equal(300, heard.Count(c => c.Version >= 1000));
        Assert.DoesNotContain(heard, c => c.Kind == ActivityKind.ModelDescribed);
        Assert.Equal(Sorted(publishedHere.Where(c => c.ModelName == name)), Sorted(heard));
    }

    /// <summary>Changes in one order: each notice's are raised on their own task, so two notices' may come in either order.</summary>
    private static List<RegistryChange> Sorted(IEnumerable<RegistryChange> changes) =>
        [.. changes.OrderBy(c => c.Kind).ThenBy(c => c.Version)];

    /// <summary>The first <paramref name="count"/> changes of a model the other instance heard; fails after a while without them.</summary>
    private async Task<List<RegistryChange>> HeardAsync(string modelName, int count)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var heard = heardThere.Where(c => c.ModelName == modelName).ToList();
            if (heard.Count >= count) return heard;
            Assert.True(DateTime.UtcNow < deadline, $"Heard {heard.Count} of {count} changes of '{modelName}'.");
            await Task.Delay(20);
        }
    }

    /// <summary>Its listener LISTENs a moment after it starts: until then a notice from a stranger instance is sent again.</summary>
    private async Task UntilListeningAsync()
    {
        var deadline = DateTime.UtcNow + Patience;
        await using var connection = new NpgsqlConnection(await registry.QueryAsync(db => Task.FromResult(db.Database.GetConnectionString()!)));
        await connection.OpenAsync();
        while (!heardThere.Any(c => c.ModelName == "probe"))
        {
            Assert.True(DateTime.UtcNow < deadline, "The other instance never started listening.");
            foreach (var payload in ChangeNotice.Encode(Guid.NewGuid(), [new RegistryChange("probe", null, ActivityKind.ModelCreated)]))
            {
                await using var notify = new NpgsqlCommand($"SELECT pg_notify('{PostgresRegistryDbContext.ChangesChannel}', @payload)", connection);
                notify.Parameters.AddWithValue("payload", payload);
                await notify.ExecuteNonQueryAsync();
            }
            await Task.Delay(50);
        }
    }
}
