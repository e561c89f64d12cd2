using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Win32.SafeHandles;

namespace RegistryPortal.Storage.FileSystem;

/// <summary>Writes a stream to a file so that readers only ever see a complete file, or none.</summary>
public static class AtomicFile
{
    /// <summary>Temporary files end with this; listings skip them.</summary>
    public const string PartialSuffix = ".partial";

    /// <summary>Whether a file or folder name is a write still under way (or left by a stopped one).</summary>
    public static bool IsPartial(string path) => path.EndsWith(PartialSuffix, StringComparison.Ordinal);

    /// <summary>A hidden temporary name beside <paramref name="target"/>, unique to one write.</summary>
    public static string PartialBeside(string target) =>
        Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}{PartialSuffix}");

    /// <summary>
    /// Streams <paramref name="content"/> (never whole in memory) into a hidden temporary file beside
    /// <paramref name="target"/>, then renames it into place; a broken stream, or one that grows past
    /// <paramref name="limit"/>, leaves nothing behind. <paramref name="declaredLength"/>, when given, must be
    /// one the sender is held to (an HTTP Content-Length): the file's space is reserved for it up front.
    /// </summary>
    public static async Task<long> WriteAsync(string target, PipeReader content, FileSizeLimit limit, long? declaredLength, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var partial = PartialBeside(target);
        try
        {
            long written = 0;
            // Reserved space spares ext4 allocating page by page, and flushing the whole file to disk when the
            // rename below replaces an older one (auto_da_alloc); the file's length is still what is written.
            using (var file = Create(partial, declaredLength ?? 0))
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

    /// <summary>The temporary file, its folder made again when an emptied folder was removed just before (see FileSystemArtifactStore).</summary>
    private static SafeFileHandle Create(string partial, long preallocationSize)
    {
        try
        {
            return File.OpenHandle(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, preallocationSize: preallocationSize);
        }
        catch (DirectoryNotFoundException)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(partial)!);
            return File.OpenHandle(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, preallocationSize: preallocationSize);
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
