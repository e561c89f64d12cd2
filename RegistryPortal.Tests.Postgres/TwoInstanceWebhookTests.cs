using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Domain;
using RegistryPortal.Tests.TestSupport;
using RegistryPortal.Tests.Webhooks;
using RegistryPortal.Webhooks;
using static RegistryPortal.Webhooks.WebhookEvents;

namespace RegistryPortal.Tests.Postgres;

/// <summary>Two portal instances on one PostgreSQL database, both running the delivery worker.</summary>
public class TwoInstanceWebhookTests
{
    [Fact]
    public async Task Each_event_is_delivered_once_in_order_not_once_per_instance()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var registry = await TestRegistry.CreateAsync(WebhookTestSupport.FastSettings());
        await using var other = registry.OtherInstance();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.None);
        var (second, secondOwner) = await registry.ModelInStagesAsync(Stage.None);
        var first = await registry.HookAsync(owner, name, receiver.Url("first"), Transitioned);
        var again = await registry.HookAsync(secondOwner, second, receiver.Url("second"), Transitioned);
        var workers = new[] { registry.Services, other }.Select(s => s.GetRequiredService<WebhookDeliveryWorker>()).ToList();
        foreach (var worker in workers) await worker.StartAsync(CancellationToken.None);

        string[] stages = ["Staging", "Production", "Archived", "None"];
        const int rounds = 5;
        for (var round = 0; round < rounds; round++)
        {
            foreach (var stage in stages)
            {
                // Both instances make changes, so both are woken at once as well as polling.
                await registry.Stages.TransitionAsync(owner, name, 1, stage);
                await other.GetRequiredService<RegistryPortal.Registry.StageService>().TransitionAsync(secondOwner, second, 1, stage);
            }
        }

        var expected = rounds * stages.Length;
        Assert.True(await WebhookReceiver.EventuallyAsync(async () =>
            (await registry.OutboxAsync(first.Id)).Concat(await registry.OutboxAsync(again.Id)).All(d => d.Status == DeliveryStatus.Delivered), 60));
        foreach (var (path, hook) in new[] { ("first", first), ("second", again) })
        {
            var got = receiver.At(path);
            Assert.Equal(expected, got.Count);
            Assert.Equal(expected, got.Select(r => r.DeliveryId).Distinct().Count());
            Assert.Equal((await registry.OutboxAsync(hook.Id)).Select(d => d.DeliveryId), got.Select(r => r.DeliveryId));
        }
        foreach (var worker in workers) await worker.StopAsync(CancellationToken.None);
    }
}
