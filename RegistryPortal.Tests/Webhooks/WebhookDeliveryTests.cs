using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Domain;
using RegistryPortal.Tests.TestSupport;
using RegistryPortal.Webhooks;
using static RegistryPortal.Webhooks.WebhookEvents;

namespace RegistryPortal.Tests.Webhooks;

/// <summary>The delivery worker against real receivers on Kestrel at 127.0.0.1.</summary>
public class WebhookDeliveryTests
{
    private static async Task<WebhookDeliveryWorker> StartWorkerAsync(TestRegistry registry)
    {
        var worker = registry.Services.GetRequiredService<WebhookDeliveryWorker>();
        await worker.StartAsync(CancellationToken.None);
        return worker;
    }

    [Fact]
    public async Task Events_arrive_signed_with_a_delivery_id_in_order()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var registry = await TestRegistry.CreateAsync(WebhookTestSupport.FastSettings());
        var (name, owner) = await registry.ModelInStagesAsync(Stage.None);
        var hook = await registry.Webhooks.CreateAsync(owner, new WebhookSpec(name, [Transitioned], receiver.Url(), Secret: "shh", Authorization: "Bearer abc"));
        await StartWorkerAsync(registry);

        string[] stages = ["Staging", "Production", "Archived", "None", "Staging", "Production"];
        foreach (var stage in stages) await registry.Stages.TransitionAsync(owner, name, 1, stage);

        // The receiver hears of an event before the worker records its answer: wait for the records.
        Assert.True(await WebhookReceiver.EventuallyAsync(async () => (await registry.OutboxAsync(hook.Id)).All(d => d.Status == DeliveryStatus.Delivered)));
        var got = receiver.Requests.ToList();
        Assert.Equal(stages, got.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("to_stage").GetString()));
        foreach (var request in got)
        {
            Assert.Equal(WebhookSender.Sign("shh", Encoding.UTF8.GetBytes(request.Body)), request.Signature);
            Assert.Equal("Bearer abc", request.Authorization);
        }
        var outbox = await registry.OutboxAsync(hook.Id);
        Assert.Equal(outbox.Select(d => d.DeliveryId), got.Select(r => r.DeliveryId));
        Assert.All(outbox, d => Assert.Equal((DeliveryStatus.Delivered, 1, 200), (d.Status, d.Attempts, d.StatusCode ?? 0)));
    }

    [Fact]
    public async Task A_receiver_failing_three_times_gets_the_event_once_more_and_the_log_shows_four_attempts()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = async (n, http) =>
        {
            http.Response.StatusCode = n <= 3 ? 503 : 200;
            await http.Response.WriteAsync(n <= 3 ? "busy" : "thanks");
        };
        await using var registry = await TestRegistry.CreateAsync(WebhookTestSupport.FastSettings());
        var (name, owner) = await registry.ModelInStagesAsync(Stage.None);
        var hook = await registry.HookAsync(owner, name, receiver.Url(), CommentCreated);
        await StartWorkerAsync(registry);

        await registry.Activity.CommentAsync(owner, name, 1, "hello");

        Assert.True(await WebhookReceiver.EventuallyAsync(async () => (await registry.OutboxAsync(hook.Id)).Single().Status != DeliveryStatus.Pending));
        var log = Assert.Single(await registry.Webhooks.DeliveriesAsync(owner, hook.Id));
        Assert.Equal((DeliveryStatus.Delivered, 4, 200, "thanks"), (log.Status, log.Attempts, log.StatusCode ?? 0, log.Response));
        Assert.Equal(4, receiver.Requests.Count);
        Assert.Single(receiver.Requests.Select(r => r.DeliveryId).Distinct());
    }

    [Fact]
    public async Task A_receiver_that_never_answers_times_out_is_retried_and_failed_after_the_window()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = (_, http) => Task.Delay(Timeout.Infinite, http.RequestAborted);
        await using var registry = await TestRegistry.CreateAsync(WebhookTestSupport.FastSettings(timeoutSeconds: 0.3, retryWindowMinutes: 0.02));
        var (name, owner) = await registry.ModelInStagesAsync(Stage.None);
        var hook = await registry.HookAsync(owner, name, receiver.Url(), CommentCreated);
        await StartWorkerAsync(registry);

        await registry.Activity.CommentAsync(owner, name, 1, "hello");

        Assert.True(await WebhookReceiver.EventuallyAsync(async () => (await registry.OutboxAsync(hook.Id)).Single().Status == DeliveryStatus.Failed));
        var log = Assert.Single(await registry.Webhooks.DeliveriesAsync(owner, hook.Id));
        Assert.True(log.Attempts >= 2, $"{log.Attempts} attempts");
        Assert.Null(log.StatusCode);
        Assert.Contains("No answer within 0.3 s", log.Response);
        Assert.Equal(log.Attempts, receiver.Requests.Count);
    }

    [Fact]
    public async Task A_redirect_is_not_followed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = (_, http) =>
        {
            if (http.Request.Path == "/hook") http.Response.Redirect(receiver.Url("elsewhere"));
            return Task.CompletedTask;
        };
        await using var registry = await TestRegistry.CreateAsync(WebhookTestSupport.FastSettings());
        var (name, owner) = await registry.ModelInStagesAsync(Stage.None);
        var hook = await registry.HookAsync(owner, name, receiver.Url(), CommentCreated);
        await StartWorkerAsync(registry);

        await registry.Activity.CommentAsync(owner, name, 1, "hello");

        Assert.True(await WebhookReceiver.EventuallyAsync(async () => (await registry.OutboxAsync(hook.Id)).Single().Attempts >= 2));
        Assert.Empty(receiver.At("elsewhere"));
        var delivery = (await registry.OutboxAsync(hook.Id)).Single();
        Assert.Equal((302, DeliveryStatus.Pending), (delivery.StatusCode ?? 0, delivery.Status));
        Assert.Contains("not followed", delivery.Response);
    }

    [Fact]
    public async Task A_restart_between_attempts_still_delivers()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = (n, http) =>
        {
            http.Response.StatusCode = n == 1 ? 500 : 200;
            return Task.CompletedTask;
        };
        var settings = WebhookTestSupport.FastSettings();
        settings["Webhooks:FirstRetryDelaySeconds"] = settings["Webhooks:MaxRetryDelaySeconds"] = "2"; // the retry comes after the restart
        await using var registry = await TestRegistry.CreateAsync(settings);
        var (name, owner) = await registry.ModelInStagesAsync(Stage.None);
        var hookId = (await registry.HookAsync(owner, name, receiver.Url(), Transitioned)).Id;
        var worker = await StartWorkerAsync(registry);
        await registry.Stages.TransitionAsync(owner, name, 1, "Staging");
        Assert.True(await WebhookReceiver.EventuallyAsync(async () => (await registry.OutboxAsync(hookId)).Single().Attempts == 1));
        await worker.StopAsync(CancellationToken.None);
        var deliveryId = (await registry.OutboxAsync(hookId)).Single().DeliveryId;

        await using var restarted = registry.OtherInstance();
        await restarted.GetRequiredService<WebhookDeliveryWorker>().StartAsync(CancellationToken.None);

        Assert.True(await WebhookReceiver.EventuallyAsync(async () => (await registry.OutboxAsync(hookId)).Single().Status == DeliveryStatus.Delivered));
        Assert.Equal(2, (await registry.OutboxAsync(hookId)).Single().Attempts);
        Assert.Equal([deliveryId, deliveryId], receiver.Requests.Select(r => r.DeliveryId));
    }

    [Fact]
    public async Task A_slow_receiver_never_slows_a_transition()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Answer = (_, http) => release.Task.WaitAsync(http.RequestAborted); // holds every delivery until the end
        await using var registry = await TestRegistry.CreateAsync(WebhookTestSupport.FastSettings(timeoutSeconds: 120));
        var (name, owner) = await registry.ModelInStagesAsync(Stage.None);
        await registry.HookAsync(owner, name, receiver.Url(), Transitioned);
        await StartWorkerAsync(registry);

        await registry.Stages.TransitionAsync(owner, name, 1, "Staging");
        Assert.True(await WebhookReceiver.EventuallyAsync(() => Task.FromResult(!receiver.Requests.IsEmpty)));
        // The receiver is holding the first delivery: a transition that waited for it would never finish (the
        // generous bound only keeps a regression from hanging the run).
        await registry.Stages.TransitionAsync(owner, name, 1, "Production").WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Single(receiver.Requests); // the second event waits behind the held one: order per webhook
        release.SetResult();
    }

    [Fact]
    public async Task Test_answers_the_receivers_status_and_body_and_redeliver_sends_again()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = async (_, http) =>
        {
            http.Response.StatusCode = 202;
            await http.Response.WriteAsync("queued by CI");
        };
        await using var registry = await TestRegistry.CreateAsync(WebhookTestSupport.FastSettings());
        var (name, owner) = await registry.ModelInStagesAsync(Stage.None);
        var hook = await registry.Webhooks.CreateAsync(owner, new WebhookSpec(name, [CommentCreated], receiver.Url(), Status: "TEST_MODE"));

        var answer = await registry.Webhooks.TestAsync(owner, hook.Id);

        Assert.Equal((202, "queued by CI"), (answer.StatusCode ?? 0, answer.Body));
        var sent = JsonDocument.Parse(Assert.Single(receiver.Requests).Body).RootElement;
        Assert.Equal((CommentCreated, name), (sent.GetProperty("event").GetString(), sent.GetProperty("model_name").GetString()));

        await registry.Webhooks.UpdateAsync(owner, hook.Id, new WebhookChange(Status: "ACTIVE"));
        await StartWorkerAsync(registry);
        await registry.Activity.CommentAsync(owner, name, 1, "hello");
        Assert.True(await WebhookReceiver.EventuallyAsync(async () => (await registry.OutboxAsync(hook.Id)).Single().Status == DeliveryStatus.Delivered));
        var delivery = (await registry.OutboxAsync(hook.Id)).Single();
        await registry.Webhooks.RedeliverAsync(owner, delivery.Id);
        Assert.True(await WebhookReceiver.EventuallyAsync(() => Task.FromResult(receiver.Requests.Count == 3)));
        Assert.True(await WebhookReceiver.EventuallyAsync(async () => (await registry.OutboxAsync(hook.Id)).Single().Status == DeliveryStatus.Delivered));
        Assert.Equal(2, (await registry.OutboxAsync(hook.Id)).Single().Attempts);
        Assert.Equal(delivery.DeliveryId, receiver.Requests.Last().DeliveryId);
    }

    [Fact]
    public async Task Queued_and_redelivered_events_go_out_at_once_not_at_the_next_poll()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        // Polls an hour apart: only the wake-up from a commit that queued a delivery sends it within the test.
        var settings = WebhookTestSupport.FastSettings();
        settings["Webhooks:PollSeconds"] = "3600";
        await using var registry = await TestRegistry.CreateAsync(settings);
        var (name, owner) = await registry.ModelInStagesAsync(Stage.None);
        var hook = await registry.HookAsync(owner, name, receiver.Url(), CommentCreated);
        await StartWorkerAsync(registry);

        await registry.Activity.CommentAsync(owner, name, 1, "hello");
        Assert.True(await WebhookReceiver.EventuallyAsync(async () => (await registry.OutboxAsync(hook.Id)).Single().Status == DeliveryStatus.Delivered));
        await registry.Webhooks.RedeliverAsync(owner, (await registry.OutboxAsync(hook.Id)).Single().Id);
        Assert.True(await WebhookReceiver.EventuallyAsync(() => Task.FromResult(receiver.Requests.Count == 2)));
    }
}
