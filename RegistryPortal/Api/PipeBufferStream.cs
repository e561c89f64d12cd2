using System.Buffers;
using System.IO.Pipelines;

namespace RegistryPortal.Api;

/// <summary>
/// A write-only stream over a response's <see cref="PipeWriter"/> for writers that still write synchronously in places
/// (ZipArchive closes a deflated entry with a blocking write, which Kestrel refuses): a synchronous write only fills the
/// pipe's buffers, an asynchronous one also flushes them, so what is buffered stays one entry's tail, never the body.
/// </summary>
public sealed class PipeBufferStream(PipeWriter writer) : Stream
{
    private long written;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        writer.Write(buffer);
        written += buffer.Length;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        await writer.FlushAsync(cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async Task FlushAsync(CancellationToken cancellationToken) => await writer.FlushAsync(cancellationToken);

    /// <summary>Nothing to do synchronously: the next asynchronous write or flush sends what is buffered.</summary>
    public override void Flush() { }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => written; set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
