using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using RegistryPortal.Domain;

namespace RegistryPortal.Storage.FileSystem;

/// <summary>
/// The store in a folder (Artifacts:Store FileSystem, at Artifacts:Root): a key is a path under <see cref="Root"/>.
/// Every write lands in a hidden temporary file beside its target (<see cref="AtomicFile"/>) and is renamed into place
/// when complete, so readers see a whole file or none; listings never show the temporary files.
/// </summary>
public sealed class FileSystemArtifactStore(string root, FileSizeLimit limit) : IArtifactStore
{
    public const string StoreKind = "FileSystem";

    // Files starting with '.' count as hidden on Unix: skip no attribute, or they would vanish from listings.
    private static readonly EnumerationOptions Everything = new() { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
    private static readonly EnumerationOptions Here = new() { AttributesToSkip = 0, IgnoreInaccessible = true };

    public string Kind => StoreKind;

    /// <summary>The folder every key is relative to.</summary>
    public string Root { get; } = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));

    /// <summary>The file-system path of a key (checked by <see cref="ArtifactKey.Check"/>; "" is the root), whether or not anything is there.</summary>
    public string LocalPath(string key)
    {
        var checkedKey = ArtifactKey.Check(key, rootAllowed: true);
        return checkedKey.Length == 0 ? Root : Path.Combine(Root, checkedKey);
    }

    /// <summary>The file-system path of the file at <paramref name="key"/>, or null when there is none: downloads send it straight from disk.</summary>
    public string? LocalFile(string key)
    {
        var path = LocalPath(ArtifactKey.Check(key));
        return File.Exists(path) && !AtomicFile.IsPartial(path) ? path : null;
    }

    public async Task<long> WriteAsync(string key, PipeReader content, long? declaredLength, CancellationToken ct)
    {
        var target = LocalPath(ArtifactKey.Check(key));
        if (Directory.Exists(target)) throw RegistryError.InvalidValue($"'{key}' is a folder; upload files into it instead.");
        limit.Check(declaredLength, key);
        try
        {
            return await AtomicFile.WriteAsync(target, content, limit, declaredLength, ct);
        }
        catch
        {
            RemoveEmptyFolders(Path.GetDirectoryName(target)!); // the folders made for a write that never completed
            throw;
        }
    }

    public Task<StoredFile?> GetAsync(string key, CancellationToken ct)
    {
        var checkedKey = ArtifactKey.Check(key);
        var file = LocalFile(checkedKey);
        return Task.FromResult(file is null ? null : Stored(checkedKey, new FileInfo(file)));
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken ct)
    {
        Stream? stream = null;
        if (LocalFile(key) is { } file)
        {
            try
            {
                // Delete and ReadWrite sharing: a write replacing the file, or a delete, does not wait for readers.
                stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16,
                    FileOptions.Asynchronous | FileOptions.SequentialScan);
            }
            catch (FileNotFoundException) { } // deleted since it was found
        }
        return Task.FromResult(stream);
    }

    public Task<IReadOnlyList<ArtifactEntry>> ListAsync(string folder, CancellationToken ct)
    {
        var prefix = ArtifactKey.Check(folder, rootAllowed: true);
        var path = LocalPath(prefix);
        if (!Directory.Exists(path)) return Task.FromResult<IReadOnlyList<ArtifactEntry>>([]);
        string KeyOf(string name) => prefix.Length == 0 ? name : prefix + "/" + name;
        var info = new DirectoryInfo(path);
        IReadOnlyList<ArtifactEntry> entries = info.EnumerateDirectories("*", Here).Where(d => !AtomicFile.IsPartial(d.Name))
            .Select(d => new ArtifactEntry(KeyOf(d.Name), true, null))
            .Concat(info.EnumerateFiles("*", Here).Where(f => !AtomicFile.IsPartial(f.Name))
                .Select(f => new ArtifactEntry(KeyOf(f.Name), false, f.Length)))
            .OrderBy(e => e.Path, StringComparer.Ordinal).ToList();
        return Task.FromResult(entries);
    }

    public async IAsyncEnumerable<StoredFile> ListAllAsync(string folder, [EnumeratorCancellation] CancellationToken ct)
    {
        var prefix = ArtifactKey.Check(folder, rootAllowed: true);
        await Task.CompletedTask;
        foreach (var file in FilesUnder(prefix))
        {
            ct.ThrowIfCancellationRequested();
            yield return file;
        }
    }

    public async Task CopyFolderAsync(string source, string target, CancellationToken ct)
    {
        var (sourceKey, targetKey) = (ArtifactKey.Check(source), ArtifactKey.Check(target));
        foreach (var file in FilesUnder(sourceKey))
        {
            ct.ThrowIfCancellationRequested();
            var destination = LocalPath(ArtifactKey.Join(targetKey, ArtifactKey.RelativeTo(sourceKey, file.Key)));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            var partial = AtomicFile.PartialBeside(destination);
            try
            {
                // Streamed, not File.Copy: the copy gets its own write time (recovery reads it as a sign of life), and a
                // source that is a pipe or a file still growing is read to its end.
                await using (var from = new FileStream(LocalPath(file.Key), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous | FileOptions.SequentialScan))
                await using (var to = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
                {
                    await from.CopyToAsync(to, 1 << 20, ct);
                }
                File.Move(partial, destination, overwrite: true);
            }
            catch
            {
                File.Delete(partial);
                throw;
            }
        }
    }

    public Task MoveFolderAsync(string source, string target, CancellationToken ct)
    {
        var (from, to) = (LocalPath(ArtifactKey.Check(source)), LocalPath(ArtifactKey.Check(target)));
        if (Directory.Exists(to) || File.Exists(to)) throw RegistryError.InvalidValue($"'{target}' already exists; move the files to a new folder.");
        if (!Directory.Exists(from)) return Task.CompletedTask;
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        Directory.Move(from, to);
        RemoveEmptyFolders(Path.GetDirectoryName(from)!);
        return Task.CompletedTask;
    }

    public Task DeleteAsync(string key, CancellationToken ct)
    {
        var path = LocalPath(ArtifactKey.Check(key));
        if (File.Exists(path))
        {
            File.Delete(path);
            RemoveEmptyFolders(Path.GetDirectoryName(path)!);
        }
        return Task.CompletedTask;
    }

    public Task DeleteFolderAsync(string folder, CancellationToken ct)
    {
        var path = LocalPath(ArtifactKey.Check(folder));
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
            RemoveEmptyFolders(Path.GetDirectoryName(path)!);
        }
        return Task.CompletedTask;
    }

    /// <summary>Temporary files of writes and copies (and temporary folders older portals copied into) untouched since the cutoff.</summary>
    public Task<int> RemoveUnfinishedWritesAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        if (!Directory.Exists(Root)) return Task.FromResult(0);
        var pattern = "*" + AtomicFile.PartialSuffix;
        var folders = Directory.GetDirectories(Root, pattern, Everything);
        var files = Directory.GetFiles(Root, pattern, Everything)
            .Where(f => !folders.Any(d => f.StartsWith(d + Path.DirectorySeparatorChar, StringComparison.Ordinal)));
        var removed = 0;
        foreach (var path in folders.Concat(files).Where(p => LastWrite(p) < cutoff.UtcDateTime))
        {
            try
            {
                if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
                else if (File.Exists(path)) File.Delete(path);
                else continue; // another instance was first
                removed++;
                RemoveEmptyFolders(Path.GetDirectoryName(path)!); // an upload that never finished a file leaves no folder
            }
            catch (DirectoryNotFoundException) { }
        }
        return Task.FromResult(removed);
    }

    public Task CheckAsync(CancellationToken ct)
    {
        try
        {
            Directory.CreateDirectory(Root);
            // Writing is what the portal needs: a read-only folder fails here, not at the first upload.
            using (File.Create(Path.Combine(Root, $".check.{Guid.NewGuid():N}{AtomicFile.PartialSuffix}"), 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"The artifact folder '{Root}' (Artifacts:Root) cannot be written: {e.Message} Give a folder the portal may write to.", e);
        }
        return Task.CompletedTask;
    }

    /// <summary>Every finished file under a checked folder key, ordered by key.</summary>
    private List<StoredFile> FilesUnder(string prefix)
    {
        var folder = LocalPath(prefix);
        if (!Directory.Exists(folder)) return [];
        return new DirectoryInfo(folder).EnumerateFiles("*", Everything)
            .Where(f => !AtomicFile.IsPartial(f.Name))
            .Select(f => Stored(KeyOf(f.FullName), f))
            .OrderBy(f => f.Key, StringComparer.Ordinal).ToList();
    }

    private string KeyOf(string fullPath) => Path.GetRelativePath(Root, fullPath).Replace(Path.DirectorySeparatorChar, '/');

    private static StoredFile Stored(string key, FileInfo file) => new(key, file.Length, new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero));

    /// <summary>A folder holds files on a file system, but on object storage is only their common prefix: empty ones go, as they would there.</summary>
    private void RemoveEmptyFolders(string folder)
    {
        try
        {
            while (folder.Length > Root.Length && folder.StartsWith(Root, StringComparison.Ordinal)
                   && Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder, "*", Here).Any())
            {
                Directory.Delete(folder);
                folder = Path.GetDirectoryName(folder)!;
            }
        }
        catch (IOException) { } // a write started in it meanwhile
    }

    /// <summary>The latest write to a file, or to a folder and anything in it.</summary>
    private static DateTime LastWrite(string path)
    {
        if (!Directory.Exists(path)) return File.GetLastWriteTimeUtc(path);
        return new DirectoryInfo(path).EnumerateFileSystemInfos("*", Everything)
            .Select(i => i.LastWriteTimeUtc).Append(Directory.GetLastWriteTimeUtc(path)).Max();
    }
}
