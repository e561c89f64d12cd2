using Microsoft.EntityFrameworkCore;
using RegistryPortal.Data;
using RegistryPortal.Registry;

namespace RegistryPortal.Webhooks;

/// <summary>
/// Writes the deliveries of an operation's events, in its own transaction just before it commits: a change and the
/// news of it are saved together or not at all, so a crash can lose neither (the worker sends them afterwards).
/// </summary>
internal static class WebhookOutbox
{
    // Every write with events asks it, mostly to learn there are none: compiled once.
    private static readonly Func<RegistryDbContext, List<int>, IAsyncEnumerable<ActiveHook>> ActiveHooksOf =
        CompiledQueries.PerContextKind(() => EF.CompileAsyncQuery((RegistryDbContext db, List<int> modelIds) =>
            db.Set<Webhook>().AsNoTracking()
                .Where(w => w.Status == WebhookStatus.Active && (w.ModelId == null || modelIds.Contains(w.ModelId.Value)))
                .Select(w => new ActiveHook(w.Id, w.ModelId, w.Events))));

    public static async Task AddAsync(OperationContext op)
    {
        var raised = op.Recorded.Select(activity => (activity, names: WebhookEvents.Of(activity))).Where(e => e.names.Count > 0).ToList();
        if (raised.Count == 0) return;
        var modelIds = raised.Select(e => e.activity.ModelId).OfType<int>().Distinct().ToList();
        var hooks = op.Db.ReadWithLock?.ActiveHooks is { } active
            ? [.. active.Where(h => h.ModelId is null || modelIds.Contains(h.ModelId.Value))]
            : await ActiveHooksOf(op.Db, modelIds).ToListAsync(op.Ct);
        if (hooks.Count == 0) return;

        var who = await op.Db.Users.Where(u => u.Id == op.Actor.UserId).Select(u => u.Email ?? u.UserName).FirstOrDefaultAsync(op.Ct) ?? "A user";
        foreach (var (activity, names) in raised)
        foreach (var name in names)
        foreach (var hook in hooks.Where(h => (h.ModelId is null || h.ModelId == activity.ModelId) && h.Events.Contains(name)))
        {
            op.Db.WebhookDeliveries().Add(new WebhookDelivery
            {
                WebhookId = hook.Id, Event = name, DeliveryId = Guid.NewGuid().ToString(),
                Payload = WebhookEvents.Payload(name, hook.Id, activity, who),
                CreatedAt = op.Now, QueuedAt = op.Now, NextAttemptAt = op.Now,
            });
            op.QueuedDeliveries = true;
        }
    }
}

/// <summary>An active webhook: which model it watches (null: every model) and which events.</summary>
internal sealed record ActiveHook(int Id, int? ModelId, IReadOnlyList<string> Events);
