using Amazon.S3;
using Amazon.S3.Model;

namespace RegistryPortal.Storage.S3;

/// <summary>
/// A read-only, seekable view of one S3 object of known length: reading fetches from the current position to the end
/// with one ranged GET, kept open while reads follow on; a seek elsewhere drops it and the next read fetches from there.
/// </summary>
internal sealed class S3ReadStream(IAmazonS3 client, string bucket, string objectKey, long length) : Stream
{
    private GetObjectResponse? response;
    private long responseAt = -1;
    private long position;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => position + offset,
            SeekOrigin.End => length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        if (target < 0) throw new IOException($"Cannot seek to {target}, before the start of '{objectKey}'.");
        return position = target;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (buffer.IsEmpty || position >= length) return 0;
        if (response is null || responseAt != position)
        {
            response?.Dispose();
            response = null;
            response = await client.GetObjectAsync(new GetObjectRequest
            {
                BucketName = bucket, Key = objectKey, ByteRange = new ByteRange(position, length - 1),
            }, ct);
            responseAt = position;
        }
        var read = await response.ResponseStream.ReadAsync(buffer, ct);
        if (read == 0)
            throw new IOException($"'{objectKey}' ended after {position} of its {length} bytes: it was replaced or removed while being read.");
        position += read;
        responseAt = position;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) response?.Dispose();
        response = null;
        base.Dispose(disposing);
    }
}
