using Amazon.S3;
using Amazon.S3.Model;

namespace RegistryPortal.Storage.S3;

/// <summary>
/// A read-only, seekable view of one S3 object of known length: reading fetches from the current position to the end
/// with one ranged GET, kept open while reads follow on; a seek elsewhere drops it and the next read fetches from there.
/// </summary>
internal sealed class S3ReadStream(IAmazonS3 client, string bucket, string objectKey, long length) : SeekableReadStream
{
    private GetObjectResponse? response;
    private long responseAt = -1;

    public override long Length => length;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        var position = Position;
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
        Advance(read);
        responseAt = position + read;
        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    protected override void Dispose(bool disposing)
    {
        if (disposing) response?.Dispose();
        response = null;
        base.Dispose(disposing);
    }
}
