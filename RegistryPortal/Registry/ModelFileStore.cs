using System.IO.Compression;
using RegistryPortal.Domain;

namespace RegistryPortal.Registry;

/// <summary>
/// Model files on disk under Artifacts:Root. Uploads stream into a per-user staging folder, each file
/// under a temporary name renamed when complete; registering moves the whole folder into the registry's
/// own location in one rename, so a cancelled or failed upload never leaves a half-written version.
/// </summary>
public sealed class ModelFileStore(IConfiguration configuration)
{
    /// <summary>Registered files live here; a version's source is <c>mlflow-artifacts:/registry/&lt;id&gt;</c>.</summary>
    public const string RegistryUriPrefix = "mlflow-artifacts:/registry/";

    private string Root { get; } = Tracking.ArtifactStore.RootFrom(configuration);

    private FileSizeLimit Limit { get; } = FileSizeLimit.From(configuration);

    private string StagingFolder(string userId, Guid uploadId) => Path.Combine(Root, "uploads", SafeSegment(userId), uploadId.ToString("N"));

    /// <summary>
    /// Streams one uploaded file into the staging folder; never holds it in memory. A file whose declared
    /// length is over the size limit is refused before a byte is read.
    /// </summary>
    public Task<long> SaveUploadAsync(string userId, Guid uploadId, string relativePath, Stream content, CancellationToken ct, long? declaredLength = null)
    {
        var target = Confined(StagingFolder(userId, uploadId), relativePath);
        Limit.Check(declaredLength, relativePath);
        return AtomicFile.WriteAsync(target, content, Limit, ct);
    }

    public void DiscardUpload(string userId, Guid uploadId)
    {
        var folder = StagingFolder(userId, uploadId);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    /// <summary>
    /// Moves a complete upload into the registry's location (unpacking a lone .zip) and returns its URI.
    /// </summary>
    public string PromoteUpload(string userId, Guid uploadId)
    {
        var staging = StagingFolder(userId, uploadId);
        var files = Directory.Exists(staging) ? Directory.GetFiles(staging, "*", SearchOption.AllDirectories) : [];
        if (files.Length == 0) throw RegistryError.InvalidValue("No model files were uploaded. Choose the files (or a .zip) to register.");
        if (files.Any(f => f.EndsWith(AtomicFile.PartialSuffix, StringComparison.Ordinal)))
            throw RegistryError.InvalidValue("The upload is not complete yet. Wait for it to finish, or cancel it.");
        if (files is [var zip] && zip.EndsWith(".zip", StringComparison.OrdinalIgnoreCase)) Unzip(zip, staging);

        var id = Guid.NewGuid().ToString("N");
        var final = Path.Combine(Root, "registry", id);
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        Directory.Move(staging, final);
        return RegistryUriPrefix + id;
    }

    /// <summary>Removes registered files again, when the version they were for could not be registered.</summary>
    public void DeleteRegistered(string sourceUri)
    {
        if (!sourceUri.StartsWith(RegistryUriPrefix, StringComparison.Ordinal)) return;
        var folder = Confined(Path.Combine(Root, "registry"), sourceUri[RegistryUriPrefix.Length..]);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    /// <summary>Extracts a zip in place, refusing entries that would land outside the folder ("zip slip").</summary>
    private static void Unzip(string zipPath, string folder)
    {
        using (var archive = ZipFile.OpenRead(zipPath))
        {
            foreach (var entry in archive.Entries)
            {
                var target = Confined(folder, entry.FullName);
                if (entry.FullName.EndsWith('/')) { Directory.CreateDirectory(target); continue; }
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                entry.ExtractToFile(target, overwrite: true);
            }
        }
        File.Delete(zipPath);
    }

    /// <summary>The full path of <paramref name="relativePath"/> inside <paramref name="folder"/>; refuses anything that escapes it.</summary>
    public static string Confined(string folder, string relativePath)
    {
        var cleaned = relativePath.Replace('\\', '/').Trim();
        if (cleaned.Length == 0 || Path.IsPathRooted(cleaned) || cleaned.Split('/').Any(s => s is ".." or "." ) || cleaned.Contains('\0'))
            throw RegistryError.InvalidValue($"'{relativePath}' is not a valid file path: use a relative path without '..'.");
        var full = Path.GetFullPath(Path.Combine(folder, cleaned));
        var root = Path.GetFullPath(folder) + Path.DirectorySeparatorChar;
        if (!full.StartsWith(root, StringComparison.Ordinal))
            throw RegistryError.InvalidValue($"'{relativePath}' points outside the upload folder.");
        return full;
    }

    private static string SafeSegment(string value) => string.Concat(value.Where(c => char.IsLetterOrDigit(c) || c == '-'));
}
