using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace RegistryPortal.Tests.Webhooks;

/// <summary>One request a receiver got: its body, delivery id and signature headers.</summary>
public sealed record Received(string Path, string Body, string? DeliveryId, string? Signature, string? Authorization, DateTime At);

/// <summary>
/// A webhook receiver on Kestrel at 127.0.0.1 (a random port): records every request and answers as
/// <see cref="Answer"/> says (default 200 "ok"), so tests see what the portal really sent over a socket.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>How to answer the n-th request (1-based) to a path; null: 200 "ok".</summary>
    public Func<int, HttpContext, Task>? Answer { get; set; }

    private WebhookReceiver(WebApplication app) => this.app = app;

    public string Url(string path = "hook") => $"{app.Urls.Single()}/{path}";

    public IReadOnlyList<Received> At(string path) => Requests.Where(r => r.Path == "/" + path).ToList();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.Run(async http =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            receiver.Requests.Enqueue(new Received(http.Request.Path, body, http.Request.Headers["X-Databricks-Delivery-Id"],
                http.Request.Headers["X-Databricks-Signature"], http.Request.Headers.Authorization, DateTime.UtcNow));
            var n = receiver.Requests.Count(r => r.Path == http.Request.Path);
            if (receiver.Answer is { } answer) await answer(n, http);
            else await http.Response.WriteAsync("ok");
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Waits (up to <paramref name="seconds"/>) until <paramref name="done"/> holds; false if it never did.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> done, double seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await done()) return true;
            await Task.Delay(25);
        }
        return await done();
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
