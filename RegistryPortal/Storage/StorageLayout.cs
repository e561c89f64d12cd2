namespace RegistryPortal.Storage;

/// <summary>
/// Where the portal's files live in the <see cref="IArtifactStore"/>, as keys: run and logged-model artifacts at their
/// artifact paths, the registry's own copies under <c>registry/&lt;id&gt;</c>, and browser uploads staged under
/// <c>uploads/&lt;user&gt;/&lt;upload&gt;</c> until they are registered. Existing data folders use this same layout.
/// </summary>
public static class StorageLayout
{
    public const string RegistryFolderName = "registry";
    public const string StagingFolderName = "uploads";

    /// <summary>The folder of one registered version's copy.</summary>
    public static string RegistryFolder(string id) => ArtifactKey.Join(RegistryFolderName, id);

    /// <summary>Where one user's browser uploads are staged.</summary>
    public static string StagingFolder(string userId) =>
        ArtifactKey.Join(StagingFolderName, string.Concat(userId.Where(c => char.IsLetterOrDigit(c) || c == '-')));

    /// <summary>Where one browser upload's files are staged.</summary>
    public static string StagingFolder(string userId, Guid uploadId) => ArtifactKey.Join(StagingFolder(userId), uploadId.ToString("N"));

    /// <summary>Whether a key lies in the staging area, which is private to each uploader.</summary>
    public static bool IsStaging(string key) =>
        key == StagingFolderName || key.StartsWith(StagingFolderName + "/", StringComparison.Ordinal);
}
