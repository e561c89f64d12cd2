namespace RegistryPortal.Webhooks;

public static class WebhookServices
{
    /// <summary>Webhooks: the service, the sender, and the worker that delivers the outbox (a hosted service).</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddSettings<WebhookOptions, ValidateWebhookOptions>(WebhookOptions.Section);
        services.AddDataProtection();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookClaims>();
        services.AddSingleton<WebhookService>();
        services.AddSingleton<WebhookDeliveryWorker>();
        services.AddHostedService(provider => provider.GetRequiredService<WebhookDeliveryWorker>());
        return services;
    }
}
