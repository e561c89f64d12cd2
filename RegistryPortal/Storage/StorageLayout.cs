using RegistryPortal.Domain;

namespace RegistryPortal.Storage;

/// <summary>
/// Where the portal's files live, all under one root (Artifacts:Root): run and logged-model artifacts at their artifact
/// paths, the registry's own copies under <c>registry/&lt;id&gt;</c>, and browser uploads staged under
/// <c>uploads/&lt;user&gt;/&lt;upload&gt;</c> until they are registered. Every write lands under a temporary name ending
/// <see cref="AtomicFile.PartialSuffix"/> and is renamed when complete. Existing data folders use this same layout.
/// </summary>
public sealed record StorageLayout(string Root)
{
    public const string RegistryFolderName = "registry";
    public const string StagingFolderName = "uploads";

    public static StorageLayout From(ArtifactOptions options) => new(options.FullRoot);

    /// <summary>The registry's own copies: one folder per registered version's files.</summary>
    public string RegistryRoot => Path.Combine(Root, RegistryFolderName);

    /// <summary>Browser uploads in progress, one folder per user.</summary>
    public string StagingRoot => Path.Combine(Root, StagingFolderName);

    /// <summary>The folder a copy under registry/ ends in; its temporary twin ends with <see cref="AtomicFile.PartialSuffix"/>.</summary>
    public string RegistryFolder(string id) => Confined(RegistryRoot, id);

    /// <summary>Where one browser upload's files are staged.</summary>
    public string StagingFolder(string userId, Guid uploadId) =>
        Path.Combine(StagingRoot, string.Concat(userId.Where(c => char.IsLetterOrDigit(c) || c == '-')), uploadId.ToString("N"));

    /// <summary>Whether a path relative to the root lies in the staging area, which is private to each uploader.</summary>
    public static bool IsStaging(string relativePath) =>
        relativePath == StagingFolderName || relativePath.StartsWith(StagingFolderName + "/", StringComparison.Ordinal);

    /// <summary>Whether a file or folder is a write still under way (or left by a stopped one).</summary>
    public static bool IsPartial(string path) => path.EndsWith(AtomicFile.PartialSuffix, StringComparison.Ordinal);

    /// <summary>The full path of <paramref name="relativePath"/> inside <paramref name="folder"/>; refuses anything that escapes it.</summary>
    public static string Confined(string folder, string relativePath)
    {
        var cleaned = relativePath.Replace('\\', '/').Trim();
        if (cleaned.Length == 0 || Path.IsPathRooted(cleaned) || cleaned.Split('/').Any(s => s is ".." or ".") || cleaned.Contains('\0'))
            throw RegistryError.InvalidValue($"'{relativePath}' is not a valid file path: use a relative path without '..'.");
        var full = Path.GetFullPath(Path.Combine(folder, cleaned));
        var root = Path.GetFullPath(folder) + Path.DirectorySeparatorChar;
        if (!full.StartsWith(root, StringComparison.Ordinal))
            throw RegistryError.InvalidValue($"'{relativePath}' points outside the upload folder.");
        return full;
    }
}
