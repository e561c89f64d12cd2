using System.Globalization;
using RegistryPortal.Domain;

namespace RegistryPortal.Storage;

/// <summary>
/// The largest single file an upload may write (Artifacts:MaxFileSizeMB, default 20 GiB; 0 means no limit).
/// Uploads stream to disk, so memory sets no bound; this keeps one upload from filling the disk.
/// </summary>
public sealed record FileSizeLimit(long? MaxBytes)
{
    public const string Setting = $"{ArtifactOptions.Section}:{nameof(ArtifactOptions.MaxFileSizeMB)}";

    public static FileSizeLimit From(ArtifactOptions options) =>
        new(options.MaxFileSizeMB > 0 ? options.MaxFileSizeMB * 1024 * 1024 : null);

    /// <summary>Refuses a size over the limit, before or while the file is written.</summary>
    public void Check(long? bytes, string fileName)
    {
        if (MaxBytes is not { } max || bytes is not { } size || size <= max) return;
        throw RegistryError.InvalidValue(string.Create(CultureInfo.InvariantCulture,
            $"'{fileName}' is larger than the largest file the portal accepts ({max / (1024 * 1024)} MB). Split it, or ask an admin to raise {Setting}."));
    }
}
