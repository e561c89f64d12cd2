using System.Diagnostics;
using System.IO.Pipelines;
using System.Security.Cryptography;
using RegistryPortal.Storage;

namespace RegistryPortal.Tests.Storage.Stores;

/// <summary>Large files run alone, so the working set they are measured by is theirs and no other test's.</summary>
[CollectionDefinition(nameof(LargeFiles), DisableParallelization = true)]
public sealed class LargeFiles;

/// <summary>
/// A 2 GiB file streams into every store and back out intact while the process's working set grows by less than
/// 256 MB: no store holds a file, or a large part of it, in memory. A subclass says how to make a fresh store and
/// carries <c>[Collection(nameof(LargeFiles))]</c>.
/// </summary>
public abstract class LargeFileContract
{
    private const long FileBytes = 2L * 1024 * 1024 * 1024;
    private const long MostGrowth = 256L * 1024 * 1024;
    private const int Chunk = 1 << 20;

    protected abstract Task<IArtifactStore> NewStoreAsync();

    [Fact]
    public async Task A_2_GiB_file_streams_up_and_down_in_bounded_memory()
    {
        var store = await NewStoreAsync();
        using var peak = new WorkingSetPeak();

        var pipe = new Pipe();
        var write = store.WriteAsync("large/weights.bin", pipe.Reader, FileBytes, default);
        using var sent = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var chunk = new byte[Chunk];
        for (long at = 0; at < FileBytes; at += Chunk)
        {
            Fill(chunk, at);
            sent.AppendData(chunk);
            await pipe.Writer.WriteAsync(chunk); // waits while the store has not taken what came before
        }
        await pipe.Writer.CompleteAsync();
        Assert.Equal(FileBytes, await write);

        using var received = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long length;
        await using (var stream = (await store.OpenReadAsync("large/weights.bin", default))!)
        {
            length = stream.Length;
            int read;
            while ((read = await stream.ReadAsync(chunk)) > 0) received.AppendData(chunk, 0, read);
        }

        var growth = peak.Stop();
        await store.DeleteAsync("large/weights.bin", default);
        Assert.Equal(FileBytes, length);
        Assert.Equal(sent.GetHashAndReset(), received.GetHashAndReset());
        Assert.True(growth < MostGrowth, $"The working set grew by {growth / (1024 * 1024)} MB moving 2 GiB; at most {MostGrowth / (1024 * 1024)} MB is allowed.");
    }

    /// <summary>Bytes that differ from chunk to chunk, so a chunk written twice or skipped changes the hash.</summary>
    private static void Fill(byte[] chunk, long offset)
    {
        var seed = (int)(offset / Chunk);
        for (var i = 0; i < chunk.Length; i += 4096) BitConverter.TryWriteBytes(chunk.AsSpan(i), seed * 7919 + i);
    }

    /// <summary>The highest working set seen (sampled every 20 ms) above the one at the start, after a full collection.</summary>
    private sealed class WorkingSetPeak : IDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly Task<long> sampling;

        public WorkingSetPeak()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var start = Current();
            sampling = Task.Run(async () =>
            {
                long highest = start;
                while (!stop.IsCancellationRequested)
                {
                    highest = Math.Max(highest, Current());
                    try { await Task.Delay(20, stop.Token); } catch (OperationCanceledException) { }
                }
                return Math.Max(highest, Current()) - start;
            });
        }

        public long Stop()
        {
            stop.Cancel();
            return sampling.GetAwaiter().GetResult();
        }

        public void Dispose() => stop.Cancel();

        private static long Current()
        {
            using var self = Process.GetCurrentProcess();
            return self.WorkingSet64;
        }
    }
}
