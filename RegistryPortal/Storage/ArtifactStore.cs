using System.IO.Pipelines;
using RegistryPortal.Domain;

namespace RegistryPortal.Storage;

public sealed record ArtifactEntry(string Path, bool IsDir, long? FileSize);

/// <summary>
/// The file-system artifact store behind <c>mlflow-artifacts:/</c> URIs, rooted at Artifacts:Root (see
/// <see cref="StorageLayout"/>). Writes land under a temporary name and are renamed when complete; every path is
/// confined to the root.
/// </summary>
public sealed class ArtifactStore(StorageLayout layout, FileSizeLimit limit)
{
    public const string Scheme = "mlflow-artifacts:";

    public string Root => layout.Root;

    /// <summary>The file-system path of an artifact path (relative to the root); refuses '..', absolute paths and the like.</summary>
    public string PhysicalPath(string artifactPath)
    {
        var path = artifactPath.TrimEnd('/');
        // The browser's staging area shares the root but is private to each uploader.
        if (StorageLayout.IsStaging(path)) throw RegistryError.InvalidValue($"'{artifactPath}' is not an artifact path.");
        return path.Length == 0 ? Root : StorageLayout.Confined(Root, path);
    }

    /// <summary>The artifact path of a <c>mlflow-artifacts:/a/b</c> URI ("a/b"), or null for any other URI.</summary>
    public static string? PathOf(string uri) =>
        uri.StartsWith(Scheme, StringComparison.Ordinal) ? uri[Scheme.Length..].TrimStart('/') : null;

    public Task<long> SaveAsync(string artifactPath, Stream content, CancellationToken ct) =>
        AtomicFile.ReadAsPipeAsync(content, reader => SaveAsync(artifactPath, reader, ct));

    /// <summary>
    /// Streams a file into the store; one whose declared length (a length the sender is held to, such as an
    /// HTTP Content-Length) is over the size limit is refused unread.
    /// </summary>
    public async Task<long> SaveAsync(string artifactPath, PipeReader content, CancellationToken ct, long? declaredLength = null)
    {
        var target = PhysicalPath(artifactPath);
        if (Directory.Exists(target)) throw RegistryError.InvalidValue($"'{artifactPath}' is a folder; upload files into it instead.");
        limit.Check(declaredLength, artifactPath);
        return await AtomicFile.WriteAsync(target, content, limit, declaredLength, ct);
    }

    /// <summary>The physical file of an artifact, or null when there is no such file.</summary>
    public string? FileOrNull(string artifactPath)
    {
        var path = PhysicalPath(artifactPath);
        return File.Exists(path) && !StorageLayout.IsPartial(path) ? path : null;
    }

    /// <summary>The entries directly inside a folder, with paths relative to it (MLflow's list-artifacts).</summary>
    public IReadOnlyList<ArtifactEntry> List(string folderPath)
    {
        var folder = PhysicalPath(folderPath);
        if (!Directory.Exists(folder)) return [];
        var prefix = folderPath.Trim('/');
        string Relative(string full) => (prefix.Length == 0 ? "" : prefix + "/") + Path.GetFileName(full);
        return Directory.GetDirectories(folder).Select(d => new ArtifactEntry(Relative(d), true, null))
            .Concat(Directory.GetFiles(folder).Where(f => !StorageLayout.IsPartial(f))
                .Select(f => new ArtifactEntry(Relative(f), false, new FileInfo(f).Length)))
            .OrderBy(e => e.Path, StringComparer.Ordinal).ToList();
    }

    /// <summary>A fresh folder name under registry/ for a copy (the version records it while it is pending).</summary>
    public static string NewRegistryId() => Guid.NewGuid().ToString("N");

    /// <summary>
    /// Copies a folder into registry/<paramref name="id"/>, all or nothing: it fills a temporary folder first and renames
    /// it when every file is in, so a copy that dies half-way leaves only the temporary folder behind; returns its URI.
    /// </summary>
    public async Task<string> CopyToRegistryAsync(string sourceFolderPath, string id, CancellationToken ct)
    {
        var source = PhysicalPath(sourceFolderPath);
        if (!Directory.Exists(source)) throw RegistryError.NotFound($"There are no artifacts at '{sourceFolderPath}' to register.");
        var final = layout.RegistryFolder(id);
        var temporary = final + AtomicFile.PartialSuffix;
        try
        {
            // Made first, so a copy in progress is visible (and its files' write times show it alive) from the start.
            Directory.CreateDirectory(temporary); // an empty model folder still registers
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(temporary, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await using var from = File.OpenRead(file);
                await using var to = File.Create(target);
                await from.CopyToAsync(to, 1 << 16, ct);
            }
            Directory.Move(temporary, final);
            return ModelFileStore.RegistryUriPrefix + id;
        }
        catch
        {
            if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
            throw;
        }
    }
}
