using Microsoft.Extensions.Options;

namespace RegistryPortal.Storage;

/// <summary>What holds the portal's files (Artifacts:Store): a folder, an Azure Blob container or an S3 bucket.</summary>
public enum ArtifactStoreKind { FileSystem, AzureBlob, S3 }

/// <summary>Settings under "Artifacts": where the portal's files live, and how large one may be.</summary>
public sealed class ArtifactOptions
{
    public const string Section = "Artifacts";
    public const long DefaultMaxFileSizeMB = 20 * 1024;

    /// <summary>FileSystem (the default), AzureBlob or S3, in any case; see <see cref="StoreKind"/>.</summary>
    public string? Store { get; set; }

    /// <summary>The store <see cref="Store"/> names; null when it names none (refused at start).</summary>
    public ArtifactStoreKind? StoreKind => KindOf(Store);

    /// <summary>
    /// For FileSystem only: the one folder every file lives under (see <see cref="StorageLayout"/>), relative to the
    /// working directory; empty: data/artifacts.
    /// </summary>
    public string? Root { get; set; }

    /// <summary>The largest single file an upload may write, in megabytes; 0 means no limit.</summary>
    public long MaxFileSizeMB { get; set; } = DefaultMaxFileSizeMB;

    /// <summary><see cref="Root"/> as a full path.</summary>
    public string FullRoot => Path.GetFullPath(string.IsNullOrEmpty(Root) ? Path.Combine("data", "artifacts") : Root);

    public static ArtifactStoreKind? KindOf(string? store) =>
        string.IsNullOrEmpty(store) ? ArtifactStoreKind.FileSystem
        : Enum.TryParse<ArtifactStoreKind>(store, ignoreCase: true, out var kind) && Enum.IsDefined(kind) && !char.IsAsciiDigit(store[0]) ? kind
        : null;
}

public sealed class ValidateArtifactOptions : IValidateOptions<ArtifactOptions>
{
    /// <summary>The most megabytes a byte count can hold.</summary>
    private const long MaxMegabytes = long.MaxValue / (1024 * 1024);

    public ValidateOptionsResult Validate(string? name, ArtifactOptions options)
    {
        var problems = new SettingProblems(ArtifactOptions.Section);
        if (options.MaxFileSizeMB is < 0 or > MaxMegabytes)
            problems.Add(nameof(ArtifactOptions.MaxFileSizeMB),
                $"is {options.MaxFileSizeMB}: give the largest file an upload may write in megabytes, or 0 for no limit (default {ArtifactOptions.DefaultMaxFileSizeMB}).");
        if (options.StoreKind is null)
            problems.Add(nameof(ArtifactOptions.Store), $"is '{options.Store}': give one of {string.Join(", ", Enum.GetNames<ArtifactStoreKind>())} (default {ArtifactStoreKind.FileSystem}).");
        if (options.StoreKind != ArtifactStoreKind.FileSystem) return problems.Result; // Root names a folder only for FileSystem
        try { _ = options.FullRoot; }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            problems.Add(nameof(ArtifactOptions.Root), $"is '{options.Root}', which is not a folder path ({e.Message}): give the folder the portal keeps its files in.");
        }
        return problems.Result;
    }
}
