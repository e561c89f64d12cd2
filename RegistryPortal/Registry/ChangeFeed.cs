using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Npgsql;
using RegistryPortal.Data;

namespace RegistryPortal.Registry;

/// <summary>
/// The text of a NOTIFY on <see cref="PostgresRegistryDbContext.ChangesChannel"/>: the sending instance and
/// the changes of one committed transaction, as JSON. PostgreSQL takes at most 8000 bytes per notice, so a
/// long list goes out as several notices.
/// </summary>
internal static class ChangeNotice
{
    private const int MaxBytes = 7000;

    private sealed record Notice(Guid Instance, List<RegistryChange> Changes);

    public static IEnumerable<string> Encode(Guid instanceId, IReadOnlyList<RegistryChange> changes)
    {
        var batch = new List<RegistryChange>();
        var bytes = 0;
        foreach (var change in changes)
        {
            var size = Encoding.UTF8.GetByteCount(JsonSerializer.Serialize(change)) + 1;
            if (batch.Count > 0 && bytes + size > MaxBytes)
            {
                yield return JsonSerializer.Serialize(new Notice(instanceId, batch));
                batch = [];
                bytes = 0;
            }
            batch.Add(change);
            bytes += size;
        }
        if (batch.Count > 0) yield return JsonSerializer.Serialize(new Notice(instanceId, batch));
    }

    public static (Guid Instance, IReadOnlyList<RegistryChange> Changes) Decode(string payload)
    {
        var notice = JsonSerializer.Deserialize<Notice>(payload) ?? throw new JsonException("An empty change notice.");
        return (notice.Instance, notice.Changes);
    }
}

/// <summary>
/// On PostgreSQL, LISTENs for the changes other instances commit and raises them on this instance's
/// <see cref="RegistryChanges"/>, so pages open here refresh as for a change made here. Its own notices it
/// ignores (this instance raised those already). A lost connection is reopened, and since the changes sent
/// while it was down are gone, it then raises <see cref="RegistryChange.Anything"/>: every open page reloads.
/// </summary>
internal sealed class ChangeFeedListener(string connectionString, RegistryChanges changes, ILogger<ChangeFeedListener> logger) : BackgroundService
{
    private NpgsqlConnection? connection;

    /// <summary>Listens before the app takes requests, so no change made after start is missed.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        connection = await ListenAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (connection is null)
                {
                    connection = await ListenAsync(stoppingToken);
                    changes.Publish([RegistryChange.Anything]);
                }
                await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
            {
                logger.LogWarning(e, "Lost the connection that hears other instances' changes; reconnecting.");
                await DropConnectionAsync();
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
        await DropConnectionAsync();
    }

    private async Task<NpgsqlConnection> ListenAsync(CancellationToken ct)
    {
        // Its own connection, outside the pool: it stays open for the instance's life.
        var listening = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, KeepAlive = 30 }.ToString());
        listening.Notification += (_, e) => Raise(e.Payload);
        await listening.OpenAsync(ct);
        await using var listen = new NpgsqlCommand($"LISTEN {PostgresRegistryDbContext.ChangesChannel}", listening);
        await listen.ExecuteNonQueryAsync(ct);
        return listening;
    }

    private void Raise(string payload)
    {
        try
        {
            var (instance, list) = ChangeNotice.Decode(payload);
            if (instance != changes.InstanceId) changes.Publish(list);
        }
        catch (JsonException e)
        {
            logger.LogWarning(e, "Ignored a change notice that is not one: {Payload}", payload);
        }
    }

    private async Task DropConnectionAsync()
    {
        if (connection is null) return;
        await connection.DisposeAsync();
        connection = null;
    }
}

/// <summary>
/// On PostgreSQL, tells the other instances of the changes this one commits (NOTIFY), after their commits and off
/// the writers' path. A NOTIFY inside a write would hold the model's lock while PostgreSQL serialises every notifying
/// commit of the server on one lock, and wake each instance's listener once per write; here one NOTIFY round carries
/// whatever committed while the last was on its way: one change when writes are few, hundreds under load. A change
/// is never announced before its commit, so never one rolled back; one committed as the instance dies may go
/// unannounced, and other instances' open pages then show it at their next reload.
/// </summary>
internal sealed class ChangeFeedAnnouncer(string connectionString, RegistryChanges changes, ILogger<ChangeFeedAnnouncer> logger) : BackgroundService
{
    /// <summary>The most changes one round sends (several notices of ≤ 7,000 bytes, in one round trip).</summary>
    private const int MaxChangesPerRound = 1000;

    private ChannelReader<RegistryChange>? queue;

    /// <summary>Queues committed changes from before the app takes requests, so none made after start goes unannounced.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        queue = changes.QueueForOtherInstances();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var round = new List<RegistryChange>();
        try
        {
            while (await queue!.WaitToReadAsync(stoppingToken))
            {
                round.Clear();
                while (round.Count < MaxChangesPerRound && queue.TryRead(out var change)) round.Add(change);
                await AnnounceAsync(round, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task AnnounceAsync(List<RegistryChange> round, CancellationToken ct)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(ct);
            // One batch, so one implicit transaction: its notices are delivered together, in order.
            await using var batch = new NpgsqlBatch(connection);
            // The same change twice in a round (a version moved and moved again) is news once.
            foreach (var payload in ChangeNotice.Encode(changes.InstanceId, [.. round.Distinct()]))
                batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_notify($1, $2)")
                    { Parameters = { new NpgsqlParameter { Value = PostgresRegistryDbContext.ChangesChannel }, new NpgsqlParameter { Value = payload } } });
            await batch.ExecuteNonQueryAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
        {
            // The changes are committed; only other instances' open pages miss them until they reload.
            logger.LogWarning(e, "Could not tell the other instances of {Count} committed changes.", round.Count);
        }
    }
}
