using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RegistryPortal.Api;

namespace RegistryPortal.Bench;

/// <summary>
/// The floor for the artifact figure: a bare Kestrel app on 127.0.0.1 (a free port) that only streams a
/// request's bytes into a file and a file's bytes into a response: no sign-in, no checks, no temporary file.
/// What the portal's proxy does beyond this is what its speed is held to (≥ 0.8× of the floor).
/// </summary>
public sealed class TransportFloor : IAsyncDisposable
{
    private readonly WebApplication app;

    private TransportFloor(WebApplication app, string folder) => (this.app, Folder) = (app, folder);

    public string Folder { get; }
    public string BaseUrl => app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

    public static async Task<TransportFloor> StartAsync(string folder)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = null;
        });
        // The portal's socket transport settings (64 KB receive blocks), so that the ratio is what the portal's
        // sign-in, checks and atomic writes cost, not a transport tuning one side has and the other lacks.
        builder.Services.AddLargeBlockMemoryPool();
        var app = builder.Build();
        app.MapPut("/{name}", (string name, HttpContext http) => ReceiveAsync(http, Path.Combine(folder, name)));
        app.MapGet("/{name}", (string name, HttpContext http) => SendAsync(http, Path.Combine(folder, name)));
        await app.StartAsync();
        return new TransportFloor(app, folder);
    }

    // Both directions move a quarter of a megabyte per file call, straight between the file and the pipe's
    // buffers (no copy, no thread-pool hop): with a plain Stream copy, or Kestrel's SendFileAsync, the floor
    // ran at a third to a half of the portal's speed, and a floor below the portal would hold it to nothing.
    private const int Chunk = 256 << 10;

    private static async Task ReceiveAsync(HttpContext http, string path)
    {
        // Space reserved for the announced length, as the portal does (ext4 then allocates once, not page by page).
        using var file = File.OpenHandle(path, FileMode.Create, FileAccess.Write, preallocationSize: http.Request.ContentLength ?? 0);
        var body = http.Request.BodyReader;
        long offset = 0;
        var segments = new List<ReadOnlyMemory<byte>>();
        while (true)
        {
            var read = await body.ReadAtLeastAsync(Chunk);
            segments.Clear();
            foreach (var segment in read.Buffer) segments.Add(segment);
            RandomAccess.Write(file, segments, offset);
            offset += read.Buffer.Length;
            body.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted) break;
        }
    }

    private static async Task SendAsync(HttpContext http, string path)
    {
        // Sequential: the kernel reads ahead further (without it the floor ran at a quarter of the portal's speed).
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        http.Response.ContentLength = RandomAccess.GetLength(file);
        http.Response.ContentType = "application/octet-stream";
        var writer = http.Response.BodyWriter;
        for (long offset = 0; ;)
        {
            var read = RandomAccess.Read(file, writer.GetMemory(Chunk).Span, offset);
            if (read == 0) break;
            writer.Advance(read);
            offset += read;
            await writer.FlushAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
