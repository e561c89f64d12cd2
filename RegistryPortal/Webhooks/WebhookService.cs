using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RegistryPortal.Data;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Security;

namespace RegistryPortal.Webhooks;

/// <summary>
/// Webhooks and their delivery logs. A model's webhooks need Manage on that model; registry-wide ones need Admin.
/// </summary>
public sealed class WebhookService(RegistryStore store, WebhookSender sender, IOptions<WebhookOptions> options)
{
    private const int LogLength = 50;

    public Task<WebhookView> CreateAsync(Actor actor, WebhookSpec spec, CancellationToken ct = default) =>
        store.WriteAsync(actor, async op =>
        {
            var model = spec.ModelName is null ? null : await op.Db.ModelAsync(spec.ModelName, op.Ct);
            await DemandAsync(op, model, "create");
            var hook = new Webhook
            {
                ModelId = model?.Id, Url = WebhookRules.CheckUrl(spec.Url, options.Value).ToString(),
                Events = WebhookRules.CheckEvents(spec.Events, registryWide: model is null),
                Description = WebhookRules.CheckDescription(spec.Description), Status = WebhookRules.ParseStatus(spec.Status),
                VerifySsl = spec.VerifySsl,
                ProtectedSecret = sender.Protect(WebhookRules.CheckSecret(spec.Secret, "secret")),
                ProtectedAuthorization = sender.Protect(WebhookRules.CheckSecret(spec.Authorization, "authorization")),
                CreatedById = op.Actor.UserId, CreatedAt = op.Now, UpdatedAt = op.Now,
            };
            op.Db.Webhooks().Add(hook);
            await op.Db.SaveChangesAsync(op.Ct);
            return View(hook, model?.Name);
        }, ct);

    public Task<WebhookView> UpdateAsync(Actor actor, int id, WebhookChange change, CancellationToken ct = default) =>
        store.WriteAsync(actor, async op =>
        {
            var (hook, modelName) = await FindAsync(op, id, "edit");
            if (change.Url is not null) hook.Url = WebhookRules.CheckUrl(change.Url, options.Value).ToString();
            if (change.Events is not null) hook.Events = WebhookRules.CheckEvents(change.Events, registryWide: hook.ModelId is null);
            if (change.Description is not null) hook.Description = WebhookRules.CheckDescription(change.Description);
            if (change.Status is not null) hook.Status = WebhookRules.ParseStatus(change.Status);
            if (change.VerifySsl is { } verify) hook.VerifySsl = verify;
            if (change.Secret is not null) hook.ProtectedSecret = sender.Protect(WebhookRules.CheckSecret(change.Secret, "secret"));
            if (change.Authorization is not null)
                hook.ProtectedAuthorization = sender.Protect(WebhookRules.CheckSecret(change.Authorization, "authorization"));
            hook.UpdatedAt = op.Now;
            return View(hook, modelName);
        }, ct);

    /// <summary>Deletes a webhook with its delivery log; events not yet sent are dropped.</summary>
    public Task DeleteAsync(Actor actor, int id, CancellationToken ct = default) =>
        store.WriteAsync(actor, async op =>
        {
            var (hook, _) = await FindAsync(op, id, "delete");
            op.Db.Webhooks().Remove(hook);
        }, ct);

    public Task<WebhookView> GetAsync(Actor actor, int id, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            var (hook, modelName) = await FindAsync(op, id, "see");
            return View(hook, modelName);
        }, ct);

    /// <summary>
    /// A model's webhooks (Manage on it), or with no model every webhook the caller manages: all of them for an admin.
    /// <paramref name="events"/>, when given, keeps those sent any of them.
    /// </summary>
    public Task<IReadOnlyList<WebhookView>> ListAsync(Actor actor, string? modelName = null, IReadOnlyCollection<string>? events = null,
        CancellationToken ct = default) =>
        store.ReadAsync<IReadOnlyList<WebhookView>>(actor, async op =>
        {
            var query = op.Db.Webhooks().AsQueryable();
            if (modelName is not null)
            {
                var model = await op.Db.ModelAsync(modelName, op.Ct);
                await DemandAsync(op, model, "see");
                query = query.Where(w => w.ModelId == model.Id);
            }
            var hooks = await query.OrderBy(w => w.Id).ToListAsync(op.Ct);
            var names = await ModelNamesAsync(op, hooks);
            var visible = new List<WebhookView>();
            foreach (var hook in hooks)
            {
                if (events is { Count: > 0 } && !hook.Events.Intersect(events, StringComparer.OrdinalIgnoreCase).Any()) continue;
                if (modelName is null && !await ManagesAsync(op, hook)) continue;
                visible.Add(View(hook, hook.ModelId is { } m ? names[m] : null));
            }
            return visible;
        }, ct);

    /// <summary>
    /// Sends a test of <paramref name="eventName"/> (default: the webhook's first event) now, whatever the webhook's
    /// status, and answers what the receiver said. Nothing is logged or retried.
    /// </summary>
    public async Task<WebhookTestAnswer> TestAsync(Actor actor, int id, string? eventName = null, CancellationToken ct = default)
    {
        var (hook, modelName) = await store.ReadAsync(actor, op => FindAsync(op, id, "test"), ct);
        var name = eventName is { Length: > 0 } ? WebhookRules.CheckEvents([eventName], registryWide: true)[0] : hook.Events[0];
        var payload = WebhookEvents.TestPayload(name, hook.Id, modelName ?? "", store.Now);
        var result = await sender.SendAsync(hook, Guid.NewGuid().ToString(), payload, ct);
        return new WebhookTestAnswer(result.StatusCode, result.Response, result.LatencyMs);
    }

    /// <summary>The webhook's latest deliveries, newest first.</summary>
    public Task<IReadOnlyList<DeliveryView>> DeliveriesAsync(Actor actor, int id, CancellationToken ct = default) =>
        store.ReadAsync<IReadOnlyList<DeliveryView>>(actor, async op =>
        {
            await FindAsync(op, id, "see");
            var deliveries = await op.Db.WebhookDeliveries().Where(d => d.WebhookId == id)
                .OrderByDescending(d => d.Id).Take(LogLength).ToListAsync(op.Ct);
            return deliveries.Select(View).ToList();
        }, ct);

    /// <summary>Sends a delivered or failed event again, with its delivery id, as soon as the webhook's earlier events are out.</summary>
    public Task<DeliveryView> RedeliverAsync(Actor actor, long deliveryId, CancellationToken ct = default) =>
        store.WriteAsync(actor, async op =>
        {
            var delivery = await op.Db.WebhookDeliveries().FirstOrDefaultAsync(d => d.Id == deliveryId, op.Ct)
                ?? throw RegistryError.NotFound($"There is no webhook delivery {deliveryId}.");
            await FindAsync(op, delivery.WebhookId, "redeliver events of");
            if (delivery.Status == DeliveryStatus.Pending)
                throw RegistryError.Conflict("This event is still waiting to be delivered; it is sent without a redelivery.");
            delivery.Status = DeliveryStatus.Pending;
            delivery.QueuedAt = delivery.NextAttemptAt = op.Now;
            op.QueuedDeliveries = true;
            return View(delivery);
        }, ct);

    private static async Task<(Webhook Hook, string? ModelName)> FindAsync(OperationContext op, int id, string toDoWhat)
    {
        var hook = await op.Db.Webhooks().FirstOrDefaultAsync(w => w.Id == id, op.Ct)
            ?? throw RegistryError.NotFound($"There is no webhook with id {id}.");
        var model = hook.ModelId is { } modelId ? await op.Db.Models.FirstAsync(m => m.Id == modelId, op.Ct) : null;
        await DemandAsync(op, model, toDoWhat);
        return (hook, model?.Name);
    }

    /// <summary>A model's webhooks need Manage on it; registry-wide ones (no model) need Admin.</summary>
    private static async Task DemandAsync(OperationContext op, RegisteredModel? model, string toDoWhat)
    {
        if (model is not null) await op.DemandAsync(model, PermissionLevel.Manage, $"{toDoWhat} its webhooks");
        else if (!op.Access.IsAdmin) throw RegistryError.PermissionDenied($"Only admins can {toDoWhat} registry-wide webhooks.");
    }

    private static async Task<bool> ManagesAsync(OperationContext op, Webhook hook)
    {
        if (op.Access.IsAdmin) return true;
        if (hook.ModelId is not { } modelId) return false;
        var model = await op.Db.Models.FirstAsync(m => m.Id == modelId, op.Ct);
        return (await op.LevelOnAsync(model)).Allows(Ability.Manage);
    }

    private static async Task<Dictionary<int, string>> ModelNamesAsync(OperationContext op, List<Webhook> hooks)
    {
        var ids = hooks.Select(h => h.ModelId).OfType<int>().Distinct().ToList();
        return await op.Db.Models.Where(m => ids.Contains(m.Id)).ToDictionaryAsync(m => m.Id, m => m.Name, op.Ct);
    }

    private static WebhookView View(Webhook hook, string? modelName) => new(
        hook.Id, modelName, hook.Url, hook.Events, hook.Description, hook.Status, hook.VerifySsl,
        hook.ProtectedSecret is not null, hook.ProtectedAuthorization is not null, hook.CreatedAt, hook.UpdatedAt);

    private static DeliveryView View(WebhookDelivery d) => new(
        d.Id, d.Event, d.DeliveryId, d.Status, d.Attempts, d.StatusCode, d.LatencyMs, d.CreatedAt, d.LastAttemptAt,
        d.Status == DeliveryStatus.Pending ? d.NextAttemptAt : null, d.Payload, d.Response);
}
