using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RegistryPortal.Data;
using RegistryPortal.Registry;

namespace RegistryPortal.Webhooks;

/// <summary>
/// Sends the outbox's deliveries. Each webhook's events go out in order, one at a time, by whichever worker holds the
/// webhook's lease (<see cref="WebhookClaims"/>): with several instances on PostgreSQL each event is sent by one of them.
/// A failed attempt is retried with exponential backoff and jitter until the retry window ends; later events of that
/// webhook wait meanwhile. Nothing here runs inside a registry write, so a slow receiver never slows a change.
/// </summary>
public sealed class WebhookDeliveryWorker(
    IDbContextFactory<RegistryDbContext> factory, WebhookClaims claims, WebhookSender sender, RegistryChanges changes,
    IOptions<WebhookOptions> options, TimeProvider clock, ILogger<WebhookDeliveryWorker> logger) : BackgroundService
{
    private const int MaxWebhooksAtOnce = 8;
    private const int DeliveriesPerClaim = 20;

    private readonly SemaphoreSlim wake = new(0);
    private readonly SemaphoreSlim slots = new(MaxWebhooksAtOnce);
    private readonly ConcurrentDictionary<int, Task> delivering = new();

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        changes.DeliveriesQueued += Wake;
        try
        {
            await claims.ReleaseLeftoverLeasesAsync(stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                try { await StartDueAsync(stoppingToken); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Looking for webhook deliveries failed; trying again shortly.");
                }
                await wake.WaitAsync(TimeSpan.FromSeconds(options.Value.PollSeconds), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        finally
        {
            changes.DeliveriesQueued -= Wake;
            await Task.WhenAll(delivering.Values).ContinueWith(_ => { }, CancellationToken.None);
        }
    }

    /// <summary>A commit queued deliveries: look now rather than at the next poll.</summary>
    private void Wake()
    {
        if (wake.CurrentCount == 0) wake.Release();
    }

    /// <summary>Starts delivering each webhook whose next event is due, unless this worker is already on it or busy.</summary>
    private async Task StartDueAsync(CancellationToken ct)
    {
        var now = Now;
        await using var db = await factory.CreateDbContextAsync(ct);
        var deliveries = db.WebhookDeliveries();
        var due = await deliveries
            .Where(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now
                && !deliveries.Any(earlier => earlier.WebhookId == d.WebhookId && earlier.Status == DeliveryStatus.Pending && earlier.Id < d.Id)
                && db.Webhooks().Any(w => w.Id == d.WebhookId && w.Status == WebhookStatus.Active && (w.LeaseUntil == null || w.LeaseUntil < now)))
            // The longest-waiting first, so a busy registry cannot keep a webhook beyond the batch waiting for ever.
            .OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id)
            .Select(d => d.WebhookId).Take(4 * MaxWebhooksAtOnce).ToListAsync(ct);
        foreach (var webhookId in due.Except(delivering.Keys))
        {
            if (!await slots.WaitAsync(0, ct)) return;
            delivering[webhookId] = Task.Run(async () =>
            {
                try { await DeliverAsync(webhookId, ct); }
                catch (Exception e) when (e is not OperationCanceledException) { logger.LogError(e, "Delivering webhook {Webhook}'s events failed.", webhookId); }
                finally
                {
                    delivering.TryRemove(webhookId, out _);
                    slots.Release();
                    Wake();
                }
            }, CancellationToken.None);
        }
    }

    /// <summary>Claims the webhook, then sends its due events in order until one fails or none is due.</summary>
    private async Task DeliverAsync(int webhookId, CancellationToken ct)
    {
        if (!await claims.TryClaimAsync(webhookId, Now, ct)) return;
        try
        {
            for (var i = 0; i < DeliveriesPerClaim; i++)
            {
                await using var db = await factory.CreateDbContextAsync(ct);
                var hook = await db.Webhooks().AsNoTracking().FirstOrDefaultAsync(w => w.Id == webhookId, ct);
                var next = await db.WebhookDeliveries().AsNoTracking()
                    .Where(d => d.WebhookId == webhookId && d.Status == DeliveryStatus.Pending).OrderBy(d => d.Id).FirstOrDefaultAsync(ct);
                if (hook is not { Status: WebhookStatus.Active } || next is null || next.NextAttemptAt > Now) return;
                await claims.RenewAsync(webhookId, Now, ct);
                var result = await sender.SendAsync(hook, next.DeliveryId, next.Payload, ct);
                await claims.RecordAsync(next, result, Now, RetryDelay(next.Attempts + 1), ct);
                if (!result.Succeeded) return;
            }
        }
        finally
        {
            await claims.ReleaseAsync(webhookId);
        }
    }

    /// <summary>Exponential backoff with jitter: the n-th retry waits between half and all of first × 2^(n-1), capped.</summary>
    private TimeSpan RetryDelay(int attempts)
    {
        var settings = options.Value;
        var full = Math.Min(settings.MaxRetryDelaySeconds, settings.FirstRetryDelaySeconds * Math.Pow(2, Math.Min(attempts - 1, 30)));
        return TimeSpan.FromSeconds(full * (0.5 + Random.Shared.NextDouble() / 2));
    }
}
