using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using RegistryPortal.Data;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Postgres;

/// <summary>
/// The listener that carries other instances' changes to this one's open pages, on a database of its own
/// (notices are per database, so the other tests' notices never reach it).
/// </summary>
public sealed class ChangeFeedListenerTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private readonly RegistryChanges changes = new(NullLogger<RegistryChanges>.Instance);
    private readonly Channel<IReadOnlyList<RegistryChange>> heard = Channel.CreateUnbounded<IReadOnlyList<RegistryChange>>();
    private string database = "";
    private ChangeFeedListener? listener;

    public async ValueTask InitializeAsync()
    {
        database = await TestRegistry.Postgres!.CreateDatabaseAsync();
        changes.Changed += list => heard.Writer.WriteAsync(list).AsTask();
        listener = new ChangeFeedListener(database, changes, NullLogger<ChangeFeedListener>.Instance);
        await listener.StartAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (listener is not null) await listener.StopAsync(CancellationToken.None);
        listener?.Dispose();
        await TestRegistry.Postgres!.DropAsync(database);
    }

    [Fact]
    public async Task A_change_another_instance_commits_is_raised_here_and_this_instances_own_is_not()
    {
        await NotifyAsync(changes.InstanceId, new RegistryChange("mine", 1, ActivityKind.Transitioned));
        await NotifyAsync(Guid.NewGuid(), new RegistryChange("fraud-detector", 3, ActivityKind.Transitioned));

        var list = await NextAsync();

        Assert.Equal([new RegistryChange("fraud-detector", 3, ActivityKind.Transitioned)], list);
    }

    [Fact]
    public async Task After_its_connection_is_lost_it_reconnects_tells_every_page_to_reload_and_hears_changes_again()
    {
        await using (var admin = new NpgsqlConnection(database))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'", admin);
            Assert.Equal(1L, await kill.ExecuteScalarAsync());
        }

        // Changes sent while it was away are lost, so it asks every open page to reload.
        var reconnected = await NextAsync();
        Assert.Equal([RegistryChange.Anything], reconnected);
        Assert.True(reconnected[0].Touches("any-model"));

        await NotifyAsync(Guid.NewGuid(), new RegistryChange("churn", null, ActivityKind.ModelRenamed));
        Assert.Equal([new RegistryChange("churn", null, ActivityKind.ModelRenamed)], await NextAsync());
    }

    private async Task NotifyAsync(Guid instance, RegistryChange change)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        foreach (var payload in ChangeNotice.Encode(instance, [change]))
        {
            await using var notify = new NpgsqlCommand($"SELECT pg_notify('{PostgresRegistryDbContext.ChangesChannel}', @payload)", connection);
            notify.Parameters.AddWithValue("payload", payload);
            await notify.ExecuteNonQueryAsync();
        }
    }

    private async Task<IReadOnlyList<RegistryChange>> NextAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        return await heard.Reader.ReadAsync(timeout.Token);
    }
}
