using System.IO.Compression;
using RegistryPortal.Domain;
using RegistryPortal.Security;
using RegistryPortal.Storage;
using RegistryPortal.Tracking;

namespace RegistryPortal.Registry.ModelCard;

/// <summary>
/// A version's files where the portal keeps them: <see cref="Folder"/> is the physical folder (null when the files are
/// elsewhere, at <see cref="Version"/>'s download URI, or not copied yet).
/// </summary>
public sealed record VersionFolder(VersionView Version, string? Folder)
{
    public string? File(string relativePath) => Folder is null ? null : StorageLayout.Confined(Folder, relativePath);
}

/// <summary>A small file read whole (requirements.txt, an input example), or why not: missing, or over the size the card reads.</summary>
public sealed record SmallFile(string Name, string? Text, long Size, string? Problem);

/// <summary>
/// The files of a registered version, for its card, its file tree and downloads: every call checks that the caller may
/// read the model (Read) and stays inside the version's folder.
/// </summary>
public sealed class VersionFiles(VersionService versions, ArtifactStore store, RunArtifacts trees)
{
    /// <summary>The most the card reads of one file (MLmodel, requirements, an input example) and shows of a previewed one.</summary>
    public const int SmallFileLimit = 256 * 1024;

    public async Task<VersionFolder> FolderAsync(Actor actor, string modelName, int number, CancellationToken ct = default) =>
        FolderOf(await versions.GetAsync(actor, modelName, number, ct));

    /// <summary>The same, refusing a version whose files the portal does not hold (before a download starts).</summary>
    public async Task<VersionFolder> FolderWithFilesAsync(Actor actor, string modelName, int number, CancellationToken ct = default)
    {
        var folder = await FolderAsync(actor, modelName, number, ct);
        return folder.Folder is null ? throw NoFiles(folder.Version) : folder;
    }

    /// <summary>The folder of a version the caller has read (so the permission is checked).</summary>
    internal VersionFolder FolderOf(VersionView version)
    {
        if (version.Status == VersionStatus.PendingRegistration || ArtifactStore.PathOf(version.DownloadUri) is not { } path)
            return new VersionFolder(version, null);
        var folder = store.PhysicalPath(path);
        return new VersionFolder(version, Directory.Exists(folder) ? folder : null);
    }

    public ArtifactTree Tree(VersionFolder folder) =>
        folder.Folder is null ? new ArtifactTree(folder.Version.DownloadUri, [], false, folder.Version.DownloadUri) : trees.TreeOf(folder.Version.DownloadUri);

    /// <summary>The start of one of the version's text files.</summary>
    public async Task<ArtifactPreview> PreviewAsync(Actor actor, string modelName, int number, string path, CancellationToken ct = default)
    {
        var folder = await FolderAsync(actor, modelName, number, ct);
        return await RunArtifacts.PreviewOfAsync(ExistingFile(folder, path), path, SmallFileLimit, ct);
    }

    /// <summary>The physical file for a download of one file; refuses paths outside the version's folder.</summary>
    public async Task<string> FileAsync(Actor actor, string modelName, int number, string path, CancellationToken ct = default) =>
        ExistingFile(await FolderAsync(actor, modelName, number, ct), path);

    private static string ExistingFile(VersionFolder folder, string path)
    {
        var file = folder.File(path) ?? throw NoFiles(folder.Version);
        return File.Exists(file) && !StorageLayout.IsPartial(file)
            ? file
            : throw RegistryError.NotFound($"Version {folder.Version.Version} of '{folder.Version.ModelName}' has no file '{path}'.");
    }

    private static RegistryError NoFiles(VersionView version) =>
        RegistryError.NotFound($"The portal does not hold the files of version {version.Version} of '{version.ModelName}': they are at {version.DownloadUri}.");

    /// <summary>A file the card shows whole, read only when it is at most <see cref="SmallFileLimit"/>; null when it does not exist.</summary>
    internal static async Task<SmallFile?> ReadSmallAsync(VersionFolder folder, string name, CancellationToken ct)
    {
        string? file;
        try { file = folder.File(name); }
        catch (RegistryError e) { return new SmallFile(name, null, 0, e.Message); }
        if (file is null || !File.Exists(file)) return null;
        var size = new FileInfo(file).Length;
        if (size > SmallFileLimit)
            return new SmallFile(name, null, size, $"{name} is {(size + 1023) / 1024:N0} KB, more than the {SmallFileLimit / 1024} KB the model card reads.");
        return new SmallFile(name, await File.ReadAllTextAsync(file, ct), size, null);
    }

    /// <summary>
    /// Writes every file of the version into <paramref name="output"/> as a zip, one file at a time straight from disk:
    /// nothing is held in memory beyond a copy buffer, whatever the model's size.
    /// </summary>
    public async Task WriteZipAsync(VersionFolder folder, Stream output, CancellationToken ct)
    {
        var root = folder.Folder ?? throw NoFiles(folder.Version);
        await using var zip = await ZipArchive.CreateAsync(output, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, ct);
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (StorageLayout.IsPartial(file)) continue;
            var name = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
            // Weights rarely shrink and compressing gigabytes would make the download CPU-bound; text does, and is small.
            var entry = zip.CreateEntry(name, RunArtifacts.IsText(Path.GetFileName(file)) ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
            entry.LastWriteTime = File.GetLastWriteTimeUtc(file);
            await using var from = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await using var to = await entry.OpenAsync(ct);
            await from.CopyToAsync(to, 1 << 16, ct);
        }
    }

    /// <summary>The name a download of the whole version gets: "fraud-detector-v3.zip".</summary>
    public static string ZipName(VersionView version) =>
        $"{UsageSnippets.FolderName(version.ModelName)}-v{version.Version}.zip";
}
