using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using RegistryPortal.Domain;
using RegistryPortal.Search;
using static RegistryPortal.Tests.Api.ApiCalls;

namespace RegistryPortal.Tests.Api;

/// <summary>The app with a 1 MB file size limit (Artifacts:MaxFileSizeMB), for the oversized-upload tests.</summary>
public sealed class SmallUploadLimitApp() : ApiApp(new Dictionary<string, string?> { ["Artifacts:MaxFileSizeMB"] = "1" });

/// <summary>Uploads over the file size limit are refused and leave nothing on disk, whether their length is declared or not.</summary>
public class OversizedUploadTests(SmallUploadLimitApp app) : IClassFixture<SmallUploadLimitApp>
{
    private const int OneMegabyte = 1024 * 1024;
    private const string Refusal = "is larger than the largest file the portal accepts (1 MB). Split it, or ask an admin to raise Artifacts:MaxFileSizeMB.";

    private string[] FilesUnder(string folder)
    {
        var physical = Path.Combine(app.ArtifactRoot, folder);
        return Directory.Exists(physical) ? Directory.GetFiles(physical, "*", SearchOption.AllDirectories) : [];
    }

    [Fact]
    public async Task A_file_of_exactly_the_limit_is_stored()
    {
        var client = (await app.UserAsync(Roles.Editor)).Client;
        var folder = $"limit-{Guid.NewGuid():N}";

        var put = await client.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{folder}/model.pkl", new ByteArrayContent(new byte[OneMegabyte]));

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal([OneMegabyte], FilesUnder(folder).Select(f => new FileInfo(f).Length));
    }

    [Fact]
    public async Task A_declared_length_over_the_limit_is_refused_before_the_body_is_read()
    {
        var client = (await app.UserAsync(Roles.Editor)).Client;
        var folder = $"declared-{Guid.NewGuid():N}";

        var put = await client.CallAsync(HttpMethod.Put, $"/api/2.0/mlflow-artifacts/artifacts/{folder}/model.pkl", new ByteArrayContent(new byte[OneMegabyte + 1]));

        JsonShape.Error(put, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", $"'{folder}/model.pkl' {Refusal}");
        Assert.Empty(FilesUnder(folder));
    }

    [Fact]
    public async Task A_streamed_body_that_grows_past_the_limit_is_refused_and_its_partial_file_removed()
    {
        var client = (await app.UserAsync(Roles.Editor)).Client;
        var folder = $"chunked-{Guid.NewGuid():N}";
        var content = new StreamContent(new PatternStream(3L * OneMegabyte));
        Assert.Null(content.Headers.ContentLength); // no length: the server only learns the size by reading

        var put = await client.CallAsync(HttpMethod.Put, $"/api/2.0/mlflow-artifacts/artifacts/{folder}/model.pkl", content);
        var listing = await client.ApiGetAsync($"/api/2.0/mlflow-artifacts/artifacts?path={folder}");

        JsonShape.Error(put, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", $"'model.pkl' {Refusal}");
        Assert.Empty(FilesUnder(folder));
        Assert.Equal("[]", listing.Json["files"]!.ToJsonString());
    }
}

/// <summary>
/// A 2 GiB model file goes up and comes back byte for byte through the artifact proxy, streamed both ways. It runs
/// alone (after every parallel test), so the memory the process holds during the transfer is this transfer's.
/// </summary>
[Collection(LargeTransferCollection.Name)]
public class LargeArtifactTests(ApiApp app)
{
    private const long TwoGigabytes = 2L * 1024 * 1024 * 1024;

    [Fact]
    public async Task A_2_GB_file_uploads_and_downloads_intact_without_being_held_in_memory()
    {
        var client = (await app.UserAsync(Roles.Editor)).Client;
        client.Timeout = TimeSpan.FromMinutes(5);
        var path = $"large-{Guid.NewGuid():N}/model/weights.bin";
        await using var memory = MemorySampler.Start();

        var content = new StreamContent(new PatternStream(TwoGigabytes), 1 << 16);
        content.Headers.ContentLength = TwoGigabytes;
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var put = await client.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{path}", content);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var stored = new FileInfo(Path.Combine(app.ArtifactRoot, path));
        Assert.Equal(TwoGigabytes, stored.Length);

        using var get = await client.GetAsync($"/api/2.0/mlflow-artifacts/artifacts/{path}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(TwoGigabytes, get.Content.Headers.ContentLength);
        await using var body = await get.Content.ReadAsStreamAsync();
        var (length, firstDifference) = await PatternStream.CompareAsync(body);

        Assert.Equal((TwoGigabytes, -1L), (length, firstDifference));
        var growth = await memory.StopAsync();
        Assert.True(growth < 256L * 1024 * 1024, $"The process's memory grew by {growth / (1024 * 1024)} MB while moving 2 GB: the file was buffered.");
        stored.Delete();
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LargeTransferCollection : ICollectionFixture<ApiApp>
{
    public const string Name = "large transfers, run alone";
}

/// <summary>
/// How far the process's resident memory rose above where it stood at the start, sampled every 10 ms while
/// the work runs (the process-wide peak counter keeps the highest value since the process started, which
/// earlier tests may have set).
/// </summary>
internal sealed class MemorySampler : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly long baseline = ResidentBytes();
    private readonly Task<long> highest;

    private MemorySampler() => highest = Task.Run(SampleAsync);

    public static MemorySampler Start() => new();

    /// <summary>The highest sample minus the baseline.</summary>
    public async Task<long> StopAsync()
    {
        await stop.CancelAsync();
        return await highest - baseline;
    }

    private async Task<long> SampleAsync()
    {
        var max = baseline;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token)) max = Math.Max(max, ResidentBytes());
        }
        catch (OperationCanceledException) { }
        return Math.Max(max, ResidentBytes());
    }

    private static long ResidentBytes()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    public async ValueTask DisposeAsync()
    {
        if (!stop.IsCancellationRequested) await StopAsync();
        stop.Dispose();
    }
}

/// <summary>A read-only, unseekable stream of <c>length</c> predictable bytes, made as it is read (nothing in memory).</summary>
internal sealed class PatternStream(long length) : Stream
{
    private long position;

    public static byte At(long index) => (byte)(index * 31 + (index >> 16));

    /// <summary>Reads <paramref name="stream"/> to its end: its length, and the first index that differs from the pattern (-1: none).</summary>
    public static async Task<(long Length, long FirstDifference)> CompareAsync(Stream stream)
    {
        var buffer = new byte[1 << 16];
        long offset = 0, firstDifference = -1;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            for (var i = 0; i < read && firstDifference < 0; i++)
                if (buffer[i] != At(offset + i)) firstDifference = offset + i;
            offset += read;
        }
        return (offset, firstDifference);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, length - position);
        for (var i = 0; i < n; i++) buffer[i] = At(position + i);
        position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
