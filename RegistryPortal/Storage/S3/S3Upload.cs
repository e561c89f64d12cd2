using System.IO.Pipelines;
using Amazon.S3;
using Amazon.S3.Model;

namespace RegistryPortal.Storage.S3;

/// <summary>
/// One write into S3: content that fits in one part is one PutObject; larger content is a multipart upload sent part
/// by part as it arrives, with at most two parts in memory (one filling while the one before it is sent), made
/// visible only by CompleteMultipartUpload at the end. Any failure aborts the upload, so nothing is left to see.
/// </summary>
internal sealed class S3Upload(IAmazonS3 client, string bucket, string objectKey, int partBytes)
{
    private const int FirstBufferBytes = 64 * 1024;
    private readonly List<PartETag> parts = [];
    private string? uploadId;
    private Task? sending;
    private byte[]? sendingBuffer;
    private byte[] filling = [];
    private int filled;

    /// <summary>Streams <paramref name="content"/> into the object; <paramref name="checkTotal"/> sees the running size first.</summary>
    public async Task<long> RunAsync(PipeReader content, long? declaredLength, Action<long> checkTotal, CancellationToken ct)
    {
        // A declared length sizes the first buffer, so a small file is copied once; unknown ones start small and grow.
        filling = new byte[(int)Math.Clamp(declaredLength ?? FirstBufferBytes, 1, partBytes)];
        try
        {
            long total = 0;
            while (true)
            {
                var result = await content.ReadAsync(ct);
                total += result.Buffer.Length;
                checkTotal(total);
                foreach (var segment in result.Buffer) await AppendAsync(segment, ct);
                content.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted) break;
            }
            await FinishAsync(ct);
            return total;
        }
        catch
        {
            await AbortAsync();
            throw;
        }
    }

    private async Task AppendAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        while (!data.IsEmpty)
        {
            if (filled == filling.Length)
            {
                if (filling.Length < partBytes) Array.Resize(ref filling, (int)Math.Min(partBytes, 2L * filling.Length));
                else await SendFillingAsync(last: false, ct);
            }
            var count = Math.Min(data.Length, filling.Length - filled);
            data[..count].CopyTo(filling.AsMemory(filled));
            filled += count;
            data = data[count..];
        }
    }

    /// <summary>Starts sending the full buffer as the next part, once the part before it is in.</summary>
    private async Task SendFillingAsync(bool last, CancellationToken ct)
    {
        uploadId ??= (await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = objectKey }, ct)).UploadId;
        byte[]? free = null;
        if (sending is not null)
        {
            await sending;
            free = sendingBuffer;
        }
        sendingBuffer = filling;
        sending = SendPartAsync(parts.Count + 1, filling, filled, ct);
        if (last) return;
        filling = free ?? new byte[partBytes];
        filled = 0;
    }

    private async Task SendPartAsync(int number, byte[] bytes, int length, CancellationToken ct)
    {
        parts.Add(new PartETag(number, null)); // numbered now: the next part may start before this one answers
        var response = await client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = objectKey, UploadId = uploadId, PartNumber = number,
            InputStream = new MemoryStream(bytes, 0, length, writable: false), PartSize = length,
            UseChunkEncoding = false, // aws-chunked bodies are not understood by every S3-compatible server
        }, ct);
        parts[number - 1].ETag = response.ETag;
    }

    private async Task FinishAsync(CancellationToken ct)
    {
        if (uploadId is null)
        {
            await client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = bucket, Key = objectKey, InputStream = new MemoryStream(filling, 0, filled, writable: false),
                UseChunkEncoding = false,
            }, ct);
            return;
        }
        await SendFillingAsync(last: true, ct);
        await sending!;
        await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = objectKey, UploadId = uploadId, PartETags = parts,
        }, ct);
    }

    /// <summary>Drops every part sent; if even that fails, RemoveUnfinishedWritesAsync finds the upload later.</summary>
    private async Task AbortAsync()
    {
        if (sending is not null)
        {
            try { await sending; } catch { /* the write's own failure is what the caller hears */ }
        }
        if (uploadId is null) return;
        try
        {
            await client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = objectKey, UploadId = uploadId });
        }
        catch (Exception e) when (e is AmazonS3Exception or HttpRequestException or IOException) { /* left for RemoveUnfinishedWritesAsync */ }
    }
}
