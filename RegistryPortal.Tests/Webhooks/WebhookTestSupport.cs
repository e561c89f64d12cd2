using Microsoft.EntityFrameworkCore;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;
using RegistryPortal.Webhooks;

namespace RegistryPortal.Tests.Webhooks;

/// <summary>Settings and shortcuts the webhook tests share.</summary>
public static class WebhookTestSupport
{
    /// <summary>http to 127.0.0.1 allowed (the test receivers), short timeouts and retries so tests take seconds.</summary>
    public static Dictionary<string, string?> FastSettings(double timeoutSeconds = 2, double retryWindowMinutes = 10) => new()
    {
        ["Webhooks:AllowHttpHosts:0"] = "127.0.0.1",
        ["Webhooks:TimeoutSeconds"] = timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Webhooks:FirstRetryDelaySeconds"] = "0.05",
        ["Webhooks:MaxRetryDelaySeconds"] = "0.2",
        ["Webhooks:RetryWindowMinutes"] = retryWindowMinutes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Webhooks:PollSeconds"] = "0.05",
    };

    public static Task<WebhookView> HookAsync(this TestRegistry registry, Actor actor, string? model, string url, params string[] events) =>
        registry.Webhooks.CreateAsync(actor, new WebhookSpec(model, events.Length > 0 ? events : WebhookEvents.All.Where(e => model is null || !WebhookEvents.IsRegistryWideOnly(e)).ToList(), url));

    /// <summary>The webhook's deliveries (straight from the outbox), oldest first.</summary>
    public static Task<List<WebhookDelivery>> OutboxAsync(this TestRegistry registry, int webhookId) =>
        registry.QueryAsync(db => db.Set<WebhookDelivery>().Where(d => d.WebhookId == webhookId).OrderBy(d => d.Id).ToListAsync());
}
