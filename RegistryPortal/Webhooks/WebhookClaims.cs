using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RegistryPortal.Data;
using RegistryPortal.Registry;

namespace RegistryPortal.Webhooks;

/// <summary>
/// The worker's writes: a webhook's lease (who delivers its events now) and each attempt's outcome. A lease runs out
/// on its own, so the events of a worker that died mid-delivery are taken over once it has. On PostgreSQL a claim
/// skips rows another instance is claiming (<c>FOR UPDATE SKIP LOCKED</c>); on SQLite one process delivers, and its
/// writes queue with the registry's (<see cref="RegistryStore.BeginWriteAsync"/>).
/// </summary>
public sealed class WebhookClaims(IDbContextFactory<RegistryDbContext> factory, RegistryStore store, IOptions<WebhookOptions> options)
{
    /// <summary>Beyond the receiver's timeout, how long a lease lasts: the time to record an attempt and take the next.</summary>
    private static readonly TimeSpan LeaseMargin = TimeSpan.FromSeconds(30);

    private TimeSpan Lease => options.Value.Timeout + LeaseMargin;

    public Task<bool> TryClaimAsync(int webhookId, DateTime now, CancellationToken ct) => WriteAsync(async db =>
    {
        var until = now + Lease;
        var claimed = db.HasOneWriter
            ? await db.Webhooks().Where(w => w.Id == webhookId && (w.LeaseUntil == null || w.LeaseUntil < now))
                .ExecuteUpdateAsync(set => set.SetProperty(w => w.LeaseUntil, until), ct)
            : await db.Database.ExecuteSqlAsync($"""
                UPDATE "Webhooks" SET "LeaseUntil" = {until}
                WHERE "Id" IN (SELECT "Id" FROM "Webhooks"
                               WHERE "Id" = {webhookId} AND ("LeaseUntil" IS NULL OR "LeaseUntil" < {now})
                               FOR UPDATE SKIP LOCKED)
                """, ct);
        return claimed == 1;
    }, ct);

    public Task RenewAsync(int webhookId, DateTime now, CancellationToken ct) => WriteAsync(db =>
        db.Webhooks().Where(w => w.Id == webhookId).ExecuteUpdateAsync(set => set.SetProperty(w => w.LeaseUntil, now + Lease), ct), ct);

    public Task ReleaseAsync(int webhookId) => WriteAsync(db =>
        db.Webhooks().Where(w => w.Id == webhookId).ExecuteUpdateAsync(set => set.SetProperty(w => w.LeaseUntil, (DateTime?)null)),
        CancellationToken.None);

    /// <summary>On SQLite this process is the only deliverer, so leases left by a killed predecessor are void at once.</summary>
    public Task ReleaseLeftoverLeasesAsync(CancellationToken ct) => WriteAsync(async db => db.HasOneWriter
        ? await db.Webhooks().Where(w => w.LeaseUntil != null).ExecuteUpdateAsync(set => set.SetProperty(w => w.LeaseUntil, (DateTime?)null), ct)
        : 0, ct);

    /// <summary>
    /// Records one attempt: delivered on a 2xx answer; otherwise retried after <paramref name="retryDelay"/>, or failed
    /// when that would fall outside the retry window, which counts from when the event was queued.
    /// </summary>
    public Task RecordAsync(WebhookDelivery delivery, SendResult result, DateTime now, TimeSpan retryDelay, CancellationToken ct)
    {
        var next = now + retryDelay;
        var status = result.Succeeded ? DeliveryStatus.Delivered
            : next > delivery.QueuedAt + options.Value.RetryWindow ? DeliveryStatus.Failed
            : DeliveryStatus.Pending;
        return WriteAsync(db => db.WebhookDeliveries().Where(d => d.Id == delivery.Id && d.Status == DeliveryStatus.Pending)
            .ExecuteUpdateAsync(set => set
                .SetProperty(d => d.Attempts, d => d.Attempts + 1)
                .SetProperty(d => d.Status, status)
                .SetProperty(d => d.LastAttemptAt, now)
                .SetProperty(d => d.NextAttemptAt, status == DeliveryStatus.Pending ? next : now)
                .SetProperty(d => d.StatusCode, result.StatusCode)
                .SetProperty(d => d.LatencyMs, result.LatencyMs)
                .SetProperty(d => d.Response, result.Response), ct), ct);
    }

    private Task<T> WriteAsync<T>(Func<RegistryDbContext, Task<T>> write, CancellationToken ct) => RegistryStore.RetryingAsync(async () =>
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        if (!db.HasOneWriter) return await write(db); // one statement, its own transaction
        await using var transaction = await store.BeginWriteAsync(db, ct, WriteScope.OneModel);
        var result = await write(db);
        await transaction.Transaction.CommitAsync(ct);
        return result;
    }, ct);
}
