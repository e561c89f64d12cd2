using System.Globalization;
using RegistryPortal.Domain;

namespace RegistryPortal.Registry;

/// <summary>
/// The largest single file an upload may write (Artifacts:MaxFileSizeMB, default 20 GiB; 0 means no limit).
/// Uploads stream to disk, so memory sets no bound; this keeps one upload from filling the disk.
/// </summary>
public sealed record FileSizeLimit(long? MaxBytes)
{
    public const string Setting = "Artifacts:MaxFileSizeMB";
    private const long DefaultMegabytes = 20 * 1024;

    public static FileSizeLimit From(IConfiguration configuration)
    {
        var megabytes = configuration.GetValue<long?>(Setting) ?? DefaultMegabytes;
        return new FileSizeLimit(megabytes > 0 ? megabytes * 1024 * 1024 : null);
    }

    /// <summary>Refuses a size over the limit, before or while the file is written.</summary>
    public void Check(long? bytes, string fileName)
    {
        if (MaxBytes is not { } max || bytes is not { } size || size <= max) return;
        throw RegistryError.InvalidValue(string.Create(CultureInfo.InvariantCulture,
            $"'{fileName}' is larger than the largest file the portal accepts ({max / (1024 * 1024)} MB). Split it, or ask an admin to raise {Setting}."));
    }
}
