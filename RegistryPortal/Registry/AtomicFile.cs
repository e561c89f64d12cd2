namespace RegistryPortal.Registry;

/// <summary>Writes a stream to a file so that readers only ever see a complete file, or none.</summary>
public static class AtomicFile
{
    /// <summary>Temporary files end with this; listings and promotions skip them.</summary>
    public const string PartialSuffix = ".partial";

    /// <summary>
    /// Streams <paramref name="content"/> (never whole in memory) into a hidden temporary file beside
    /// <paramref name="target"/>, then renames it into place; a broken stream, or one that grows past
    /// <paramref name="limit"/>, leaves nothing behind.
    /// </summary>
    public static async Task<long> WriteAsync(string target, Stream content, FileSizeLimit limit, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var partial = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}{PartialSuffix}");
        try
        {
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                var buffer = new byte[1 << 16];
                long written = 0;
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    written += read;
                    limit.Check(written, Path.GetFileName(target));
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }
            File.Move(partial, target, overwrite: true);
            return new FileInfo(target).Length;
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }
}
