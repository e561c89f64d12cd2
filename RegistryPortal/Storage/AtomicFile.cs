using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Win32.SafeHandles;

namespace RegistryPortal.Storage;

/// <summary>Writes a stream to a file so that readers only ever see a complete file, or none.</summary>
public static class AtomicFile
{
    /// <summary>Temporary files end with this; listings and promotions skip them.</summary>
    public const string PartialSuffix = ".partial";

    /// <inheritdoc cref="WriteAsync(string, PipeReader, FileSizeLimit, long?, CancellationToken)"/>
    public static Task<long> WriteAsync(string target, Stream content, FileSizeLimit limit, CancellationToken ct) =>
        ReadAsPipeAsync(content, reader => WriteAsync(target, reader, limit, null, ct));

    /// <summary>Hands <paramref name="write"/> a pipe over <paramref name="content"/>, which stays open for its owner.</summary>
    public static async Task<long> ReadAsPipeAsync(Stream content, Func<PipeReader, Task<long>> write)
    {
        var reader = PipeReader.Create(content, new StreamPipeReaderOptions(bufferSize: 1 << 16, leaveOpen: true));
        try { return await write(reader); }
        finally { await reader.CompleteAsync(); }
    }

    /// <summary>
    /// Streams <paramref name="content"/> (never whole in memory) into a hidden temporary file beside
    /// <paramref name="target"/>, then renames it into place; a broken stream, or one that grows past
    /// <paramref name="limit"/>, leaves nothing behind. <paramref name="declaredLength"/>, when given, must be
    /// one the sender is held to (an HTTP Content-Length): the file's space is reserved for it up front.
    /// </summary>
    public static async Task<long> WriteAsync(string target, PipeReader content, FileSizeLimit limit, long? declaredLength, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var partial = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}{PartialSuffix}");
        try
        {
            long written = 0;
            // Reserved space spares ext4 allocating page by page, and flushing the whole file to disk when the
            // rename below replaces an older one (auto_da_alloc); the file's length is still what is written.
            using (var file = File.OpenHandle(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, preallocationSize: declaredLength ?? 0))
            {
                var segments = new List<ReadOnlyMemory<byte>>();
                while (true)
                {
                    // A quarter of a megabyte a write, however small the receive buffers are.
                    var read = await content.ReadAtLeastAsync(1 << 18, ct);
                    limit.Check(written + read.Buffer.Length, Path.GetFileName(target));
                    Write(file, read.Buffer, written, segments);
                    written += read.Buffer.Length;
                    content.AdvanceTo(read.Buffer.End);
                    if (read.IsCompleted) break;
                }
            }
            File.Move(partial, target, overwrite: true);
            return written;
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }

    /// <summary>
    /// Writes the received buffers where they are, in one gathering call: no copy into a buffer of our own,
    /// and no hop to the thread pool (a buffered write only copies into the page cache).
    /// </summary>
    private static void Write(SafeFileHandle file, ReadOnlySequence<byte> buffer, long offset, List<ReadOnlyMemory<byte>> segments)
    {
        if (buffer.IsSingleSegment)
        {
            RandomAccess.Write(file, buffer.FirstSpan, offset);
            return;
        }
        segments.Clear();
        foreach (var segment in buffer) segments.Add(segment);
        RandomAccess.Write(file, segments, offset);
    }
}
