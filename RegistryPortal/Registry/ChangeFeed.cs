using System.Text;
using System.Text.Json;
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
