using System.Buffers;
using System.Security.Cryptography;

namespace RegistryPortal.Storage.AzureBlob;

/// <summary>
/// One block of an upload held in memory: 1 MB arrays from the shared pool rather than one large array, so a block of
/// any size (up to Azure's 4000 MB) needs no contiguous memory and a 3-byte file does not take a whole block's worth.
/// A read-only, seekable stream over those bytes: the client library rewinds it when it retries a request.
/// Its MD5 is computed as the bytes arrive, for the request's Content-MD5: the service checks the block with it (and
/// Azurite, given one, skips the CRC64 it would otherwise compute in JavaScript, which capped uploads near 60 MB/s).
/// Disposing it returns the arrays to the pool.
/// </summary>
internal sealed class PooledBlock : SeekableReadStream
{
    private const int ChunkBytes = 1 << 20;
    private readonly List<byte[]> chunks = [];
    private readonly IncrementalHash md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private long length;

    /// <summary>Copies <paramref name="bytes"/> to the end of the block.</summary>
    public void Append(ReadOnlySequence<byte> bytes)
    {
        foreach (var segment in bytes)
        {
            var span = segment.Span;
            md5.AppendData(span);
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

    public override long Length => length;

    /// <summary>The MD5 of all the bytes appended; call once, when the block is complete.</summary>
    public byte[] Md5() => md5.GetHashAndReset();

    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, length - Position);
        if (count <= 0) return 0;
        var done = 0;
        while (done < count)
        {
            var offset = (int)(Position % ChunkBytes);
            var take = Math.Min(count - done, ChunkBytes - offset);
            chunks[(int)(Position / ChunkBytes)].AsSpan(offset, take).CopyTo(buffer[done..]);
            done += take;
            Advance(take);
        }
        return done;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<int>(cancellationToken) : new(Read(buffer.Span));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var chunk in chunks) ArrayPool<byte>.Shared.Return(chunk);
            chunks.Clear();
            md5.Dispose();
            length = 0;
            Position = 0;
        }
        base.Dispose(disposing);
    }
}
