using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace RegistryPortal.Api;

/// <summary>
/// The response body of a request whose files (Results.File with a physical path, so with its ranges,
/// lengths and headers) are read straight into the response pipe's buffers. Kestrel's own SendFileAsync
/// copies through a 16 KB buffer and the thread pool, which costs a third of a big download's CPU.
/// </summary>
public sealed class DirectFileBody(IHttpResponseBodyFeature inner) : IHttpResponseBodyFeature
{
    // Big enough that syscalls are few; the pipe rents a buffer this size for each chunk.
    private const int ChunkSize = 256 << 10;

    public static void Use(HttpContext http) =>
        http.Features.Set<IHttpResponseBodyFeature>(new DirectFileBody(http.Features.GetRequiredFeature<IHttpResponseBodyFeature>()));

    public Stream Stream => inner.Stream;
    public PipeWriter Writer => inner.Writer;
    public void DisableBuffering() => inner.DisableBuffering();
    public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);
    public Task CompleteAsync() => inner.CompleteAsync();

    public async Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.SequentialScan);
        var end = count is { } n ? offset + n : RandomAccess.GetLength(file);
        await inner.StartAsync(cancellationToken);
        var writer = inner.Writer;
        while (offset < end)
        {
            var memory = writer.GetMemory(ChunkSize);
            // A read from the page cache is a copy; going through the thread pool would cost more than it.
            var read = RandomAccess.Read(file, memory.Span[..(int)Math.Min(memory.Length, end - offset)], offset);
            if (read == 0) throw new EndOfStreamException($"'{path}' ended before byte {end}.");
            writer.Advance(read);
            offset += read;
            if ((await writer.FlushAsync(cancellationToken)).IsCompleted) return;
        }
    }
}
