using System.Buffers;

namespace RegistryPortal.Storage.AzureBlob;

/// <summary>
/// One block of an upload held in memory: 1 MB arrays from the shared pool rather than one large array, so a block of
/// any size (up to Azure's 4000 MB) needs no contiguous memory and a 3-byte file does not take a whole block's worth.
/// A read-only, seekable stream over those bytes: the client library rewinds it when it retries a request.
/// Disposing it returns the arrays to the pool.
/// </summary>
internal sealed class PooledBlock : Stream
{
    private const int ChunkBytes = 1 << 20;
    private readonly List<byte[]> chunks = [];
    private long length;
    private long position;

    /// <summary>Copies <paramref name="bytes"/> to the end of the block.</summary>
    public void Append(ReadOnlySequence<byte> bytes)
    {
        foreach (var segment in bytes)
        {
            var span = segment.Span;
            while (span.Length > 0)
            {
                var offset = (int)(length % ChunkBytes);
                if (offset == 0 && length / ChunkBytes == chunks.Count) chunks.Add(ArrayPool<byte>.Shared.Rent(ChunkBytes));
                var take = Math.Min(span.Length, ChunkBytes - offset);
                span[..take].CopyTo(chunks[^1].AsSpan(offset));
                span = span[take..];
                length += take;
            }
        }
    }

    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, length - position);
        if (count <= 0) return 0;
        var done = 0;
        while (done < count)
        {
            var offset = (int)(position % ChunkBytes);
            var take = Math.Min(count - done, ChunkBytes - offset);
            chunks[(int)(position / ChunkBytes)].AsSpan(offset, take).CopyTo(buffer[done..]);
            done += take;
            position += take;
        }
        return done;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<int>(cancellationToken) : new(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => position + offset,
            _ => length + offset,
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        return position = target;
    }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var chunk in chunks) ArrayPool<byte>.Shared.Return(chunk);
            chunks.Clear();
            length = position = 0;
        }
        base.Dispose(disposing);
    }
}
