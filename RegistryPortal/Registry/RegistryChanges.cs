using System.Threading.Channels;
using RegistryPortal.Domain;

namespace RegistryPortal.Registry;

/// <summary>One committed change, as open pages need to know of it.</summary>
public sealed record RegistryChange(string ModelName, int? Version, ActivityKind? Kind)
{
    /// <summary>
    /// Anything may have changed: raised when this instance may have missed other instances' changes (its
    /// listening connection was lost), so every open page reloads what it shows.
    /// </summary>
    public static readonly RegistryChange Anything = new("", null, null);

    /// <summary>Whether a page showing <paramref name="modelName"/> should reload.</summary>
    public bool Touches(string? modelName) =>
        this == Anything || string.Equals(ModelName, modelName, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Tells open pages what changed after each committed write, so they refresh without a reload.
/// Raised once per transaction, after commit, never for a rolled-back one. On PostgreSQL the changes other
/// instances commit are raised here too (<see cref="ChangeFeedListener"/>).
/// </summary>
public sealed class RegistryChanges(ILogger<RegistryChanges> logger)
{
    /// <summary>This app instance, so it can tell its own change notices from other instances'.</summary>
    public Guid InstanceId { get; } = Guid.NewGuid();

    public event Func<IReadOnlyList<RegistryChange>, Task>? Changed;

    /// <summary>
    /// Raised after a commit of this instance that queued webhook deliveries, for the delivery worker. Only those: waking
    /// it on every change made it look for due deliveries after every write. Other instances wake their own workers.
    /// </summary>
    public event Action? DeliveriesQueued;

    internal void PublishDeliveriesQueued() => DeliveriesQueued?.Invoke();

    /// <summary>The changes this instance commits, while <see cref="ChangeFeedAnnouncer"/> tells the other instances of them.</summary>
    private Channel<RegistryChange>? toOtherInstances;

    /// <summary>From now on, this instance's committed changes are also queued for the other instances (PostgreSQL).</summary>
    internal ChannelReader<RegistryChange> QueueForOtherInstances()
    {
        toOtherInstances ??= Channel.CreateUnbounded<RegistryChange>(new UnboundedChannelOptions { SingleReader = true });
        return toOtherInstances.Reader;
    }

    /// <summary>A write of this instance committed: its open pages hear of it, and the other instances once announced.</summary>
    internal void PublishCommitted(IReadOnlyList<RegistryChange> changes)
    {
        Publish(changes);
        if (toOtherInstances is { } queue)
            foreach (var change in changes) queue.Writer.TryWrite(change);
    }

    internal void Publish(IReadOnlyList<RegistryChange> changes)
    {
        if (changes.Count == 0 || Changed is not { } handlers) return;
        foreach (var handler in handlers.GetInvocationList().Cast<Func<IReadOnlyList<RegistryChange>, Task>>())
        {
            // A page's refresh must never fail the writer, nor hold it up.
            _ = Task.Run(async () =>
            {
                try { await handler(changes); }
                catch (Exception e) { logger.LogWarning(e, "A change listener failed."); }
            });
        }
    }
}
