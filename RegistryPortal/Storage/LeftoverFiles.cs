namespace RegistryPortal.Storage;

/// <summary>
/// Files a stopped process left under the root (see <see cref="StorageLayout"/>): browser uploads never registered, and
/// temporary files and folders of writes and copies. Nobody can see them, but they take disk space. A live upload or
/// copy keeps writing, so what nothing touched since a cutoff is left behind (<c>CrashRecovery</c> picks the cutoff).
/// </summary>
public sealed class LeftoverFiles(StorageLayout layout, ILogger<LeftoverFiles> logger)
{
    /// <summary>Browser uploads (uploads/&lt;user&gt;/&lt;upload&gt;) untouched since the cutoff: their page is gone, so they can never be registered.</summary>
    public int RemoveStaleUploads(DateTime cutoff)
    {
        if (!Directory.Exists(layout.StagingRoot)) return 0;
        var stale = Directory.GetDirectories(layout.StagingRoot).SelectMany(Directory.GetDirectories).Where(d => LastWrite(d) < cutoff).ToList();
        return stale.Count(Delete);
    }

    /// <summary>Temporary files of artifact writes and temporary folders of registry copies, untouched since the cutoff.</summary>
    public int RemoveStalePartials(DateTime cutoff)
    {
        if (!Directory.Exists(layout.Root)) return 0;
        var pattern = "*" + AtomicFile.PartialSuffix;
        // The temporary files start with '.', which .NET counts as hidden: no attribute is skipped.
        var everywhere = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        var folders = Directory.GetDirectories(layout.Root, pattern, everywhere);
        var files = Directory.GetFiles(layout.Root, pattern, everywhere)
            .Where(f => !folders.Any(d => f.StartsWith(d + Path.DirectorySeparatorChar, StringComparison.Ordinal)));
        return folders.Concat(files).Where(p => LastWrite(p) < cutoff).Count(Delete);
    }

    /// <summary>The latest write to a file, or to a folder and anything in it.</summary>
    private static DateTime LastWrite(string path)
    {
        if (!Directory.Exists(path)) return File.GetLastWriteTimeUtc(path);
        var everything = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        return new DirectoryInfo(path).EnumerateFileSystemInfos("*", everything)
            .Select(i => i.LastWriteTimeUtc).Append(Directory.GetLastWriteTimeUtc(path)).Max();
    }

    /// <returns>Whether this call removed it (another instance, or the user cancelling, may have been first).</returns>
    private bool Delete(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            else if (File.Exists(path)) File.Delete(path);
            else return false;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(e, "Could not remove {Path} left by a stopped portal.", path);
            return false;
        }
    }
}
