using System.IO.Pipelines;
using System.Security.Cryptography;

namespace RegistryPortal.Storage.Migration;

/// <summary>How far a migration is: files and bytes done (copied or found already copied) out of all.</summary>
public sealed record MigrationProgress(int FilesDone, int FilesTotal, long BytesDone, long BytesTotal);

/// <summary>What a migration did: files copied now, files a previous run had already copied, and the bytes copied now.</summary>
public sealed record MigrationResult(int Copied, int AlreadyThere, long BytesCopied, int FilesTotal, long BytesTotal);

/// <summary>A copy that could not be made or did not read back as it was sent; the message says which file and why.</summary>
public sealed class MigrationException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Copies every file of one artifact store into another (an existing file-system store into Azure Blob or S3) under
/// the same keys, and verifies each copy by reading it back: the same size, and the same SHA-256 as the bytes read
/// from the source. Browser uploads still being staged are left out (no row refers to them until they are registered).
/// Resumable: each verified copy is recorded in a journal (<see cref="MigrationJournal"/>), and a later run skips the
/// files recorded there that are unchanged in the source and still in the target at their size.
/// </summary>
public sealed class ArtifactMigration(IArtifactStore source, IArtifactStore target, MigrationJournal journal)
{
    /// <summary>Files copied at once: object stores answer each request after a round trip, so one at a time is slow.</summary>
    private const int FilesAtOnce = 4;

    public async Task<MigrationResult> RunAsync(IProgress<MigrationProgress>? progress, CancellationToken ct)
    {
        var files = new List<StoredFile>();
        await foreach (var file in source.ListAllAsync("", ct))
            if (!StorageLayout.IsStaging(file.Key)) files.Add(file);
        var bytesTotal = files.Sum(f => f.Size);

        int filesDone = 0, copied = 0;
        long bytesDone = 0, bytesCopied = 0;
        progress?.Report(new MigrationProgress(0, files.Count, 0, bytesTotal));
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = FilesAtOnce, CancellationToken = ct }, async (file, token) =>
        {
            if (!await IsAlreadyThereAsync(file, token))
            {
                var hash = await CopyAsync(file, token);
                await VerifyAsync(file, hash, token);
                await journal.RecordAsync(file, hash, token);
                Interlocked.Increment(ref copied);
                Interlocked.Add(ref bytesCopied, file.Size);
            }
            var done = Interlocked.Increment(ref filesDone);
            progress?.Report(new MigrationProgress(done, files.Count, Interlocked.Add(ref bytesDone, file.Size), bytesTotal));
        });
        return new MigrationResult(copied, files.Count - copied, bytesCopied, files.Count, bytesTotal);
    }

    private async Task<bool> IsAlreadyThereAsync(StoredFile file, CancellationToken ct) =>
        journal.Holds(file) && (await target.GetAsync(file.Key, ct))?.Size == file.Size;

    /// <summary>Streams the file from the source into the target, hashing the bytes on their way through.</summary>
    private async Task<byte[]> CopyAsync(StoredFile file, CancellationToken ct)
    {
        await using var from = await source.OpenReadAsync(file.Key, ct)
            ?? throw new MigrationException($"'{file.Key}' was removed from the source while the migration ran; run it again.");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var pipe = new Pipe();
        var write = target.WriteAsync(file.Key, pipe.Reader, from.Length, ct);
        try
        {
            while (true)
            {
                var buffer = pipe.Writer.GetMemory(1 << 16);
                var read = await from.ReadAsync(buffer, ct);
                if (read == 0) break;
                hash.AppendData(buffer.Span[..read]);
                pipe.Writer.Advance(read);
                if ((await pipe.Writer.FlushAsync(ct)).IsCompleted) break; // the target stopped reading: its error follows
            }
            await pipe.Writer.CompleteAsync();
        }
        catch (Exception e)
        {
            await pipe.Writer.CompleteAsync(e);
            await IgnoreFailure(write);
            throw;
        }
        try { await write; }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new MigrationException($"Copying '{file.Key}' into the {target.Kind} store failed: {e.Message}", e);
        }
        return hash.GetHashAndReset();
    }

    /// <summary>Reads the copy back; one that differs from what was read from the source is removed and refused.</summary>
    private async Task VerifyAsync(StoredFile file, byte[] sentHash, CancellationToken ct)
    {
        await using var copy = await target.OpenReadAsync(file.Key, ct)
            ?? throw new MigrationException($"The copy of '{file.Key}' is not in the {target.Kind} store after it was written.");
        var copyHash = await SHA256.HashDataAsync(copy, ct);
        if (copy.Length == file.Size && copyHash.AsSpan().SequenceEqual(sentHash)) return;
        await target.DeleteAsync(file.Key, ct);
        throw new MigrationException(
            $"The copy of '{file.Key}' in the {target.Kind} store does not match the source ({copy.Length} bytes, SHA-256 {Convert.ToHexStringLower(copyHash)}; " +
            $"expected {file.Size} bytes, {Convert.ToHexStringLower(sentHash)}). It was removed; run the migration again.");
    }

    private static async Task IgnoreFailure(Task task)
    {
        try { await task; } catch { /* the failure that stopped the copy is the one reported */ }
    }
}
