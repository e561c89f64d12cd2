using System.Buffers.Binary;
using System.IO.Pipelines;
using Azure.Storage;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace RegistryPortal.Storage.AzureBlob;

/// <summary>
/// One upload into a block blob, streamed: blocks are staged as the data arrives, at most
/// <paramref name="maxInFlight"/> at once (so memory stays near (maxInFlight + 1) × block size whatever the file's
/// size), and the block list is committed only after the last one is in. Staged blocks are invisible, so an upload
/// that breaks, is cancelled or grows past the limit leaves no blob and the old one, if any, untouched; Azure
/// discards uncommitted blocks after a week. A file that fits in one block goes up in one request (Put Blob, just
/// as atomic).
/// </summary>
internal sealed class BlockUpload(BlockBlobClient blob, string key, FileSizeLimit limit, long blockBytes, int maxInFlight)
{
    // Unique per upload: two uploads of one key at once must not stage over each other's blocks.
    private readonly Guid uploadId = Guid.NewGuid();
    private readonly List<string> blockIds = [];
    private readonly List<Task> inFlight = [];
    private long total;

    public async Task<long> RunAsync(PipeReader content, CancellationToken ct)
    {
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            while (true)
            {
                var (block, last) = await ReadBlockAsync(content, ct);
                if (last && blockIds.Count == 0)
                {
                    // The SDK takes no precalculated checksum on this call (it may split the stream itself).
                    await using (block) await blob.UploadAsync(block, new BlobUploadOptions(), ct);
                    return total;
                }
                if (block.Length > 0) await StageAsync(block, abort.Token);
                else await block.DisposeAsync();
                if (last) break;
            }
            await Task.WhenAll(inFlight);
            await blob.CommitBlockListAsync(blockIds, new CommitBlockListOptions(), ct);
            return total;
        }
        catch
        {
            // The blocks on their way are pointless now; their pooled memory is released once their requests end.
            await abort.CancelAsync();
            try { await Task.WhenAll(inFlight); } catch { /* the first failure is the one to report */ }
            throw;
        }
        finally
        {
            await content.CompleteAsync();
        }
    }

    /// <summary>The next block's bytes (up to a block's size) and whether the content ended with them.</summary>
    private async Task<(PooledBlock Block, bool Last)> ReadBlockAsync(PipeReader content, CancellationToken ct)
    {
        var block = new PooledBlock();
        try
        {
            while (block.Length < blockBytes)
            {
                var result = await content.ReadAsync(ct);
                var take = result.Buffer.Slice(0, Math.Min(result.Buffer.Length, blockBytes - block.Length));
                limit.Check(total + take.Length, key);
                block.Append(take);
                total += take.Length;
                content.AdvanceTo(take.End);
                if (result.IsCompleted && take.Length == result.Buffer.Length) return (block, true);
            }
            return (block, false);
        }
        catch
        {
            await block.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends a block once fewer than the allowed number are on their way (a failed one stops the upload).</summary>
    private async Task StageAsync(PooledBlock block, CancellationToken ct)
    {
        if (inFlight.Count == maxInFlight)
        {
            var finished = await Task.WhenAny(inFlight);
            inFlight.Remove(finished);
            try { await finished; }
            catch
            {
                await block.DisposeAsync();
                throw;
            }
        }
        var id = BlockId(blockIds.Count);
        blockIds.Add(id);
        inFlight.Add(Stage(id, block, ct));
    }

    private async Task Stage(string id, PooledBlock block, CancellationToken ct)
    {
        await using (block) await blob.StageBlockAsync(id, block, new BlockBlobStageBlockOptions { TransferValidation = Checked(block) }, ct);
    }

    /// <summary>The block's MD5 sent with it, so the service refuses a block damaged on the way.</summary>
    private static UploadTransferValidationOptions Checked(PooledBlock block) =>
        new() { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5, PrecalculatedChecksum = block.Md5() };

    /// <summary>Block ids must all have one length within a blob: the upload's id and the block's number, base64.</summary>
    private string BlockId(int index)
    {
        Span<byte> bytes = stackalloc byte[24];
        uploadId.TryWriteBytes(bytes);
        BinaryPrimitives.WriteInt64BigEndian(bytes[16..], index);
        return Convert.ToBase64String(bytes);
    }
}
