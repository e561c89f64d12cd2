using Microsoft.Extensions.Options;

namespace RegistryPortal.Storage;

/// <summary>Settings under "Artifacts": where the portal's files live, and how large one may be.</summary>
public sealed class ArtifactOptions
{
    public const string Section = "Artifacts";
    public const long DefaultMaxFileSizeMB = 20 * 1024;

    /// <summary>The one folder every file lives under (see <see cref="StorageLayout"/>), relative to the working directory; empty: data/artifacts.</summary>
    public string? Root { get; set; }

    /// <summary>The largest single file an upload may write, in megabytes; 0 means no limit.</summary>
    public long MaxFileSizeMB { get; set; } = DefaultMaxFileSizeMB;

    /// <summary><see cref="Root"/> as a full path.</summary>
    public string FullRoot => Path.GetFullPath(string.IsNullOrEmpty(Root) ? Path.Combine("data", "artifacts") : Root);
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
        try { _ = options.FullRoot; }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            problems.Add(nameof(ArtifactOptions.Root), $"is '{options.Root}', which is not a folder path ({e.Message}): give the folder the portal keeps its files in.");
        }
        return problems.Result;
    }
}
