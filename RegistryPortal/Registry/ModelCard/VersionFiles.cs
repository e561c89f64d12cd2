using System.IO.Compression;
using RegistryPortal.Domain;
using RegistryPortal.Security;
using RegistryPortal.Storage;
using RegistryPortal.Tracking;

namespace RegistryPortal.Registry.ModelCard;

/// <summary>
/// A version's files where the portal keeps them: <see cref="Folder"/> is the folder's key in the artifact store (null
/// when the files are elsewhere, at <see cref="Version"/>'s download URI, or not copied yet).
/// </summary>
public sealed record VersionFolder(VersionView Version, string? Folder)
{
    /// <summary>The key of a file inside the folder; refuses a path that would leave it.</summary>
    public string? File(string relativePath) => Folder is null ? null : ArtifactKey.Join(Folder, relativePath);
}

/// <summary>A small file read whole (requirements.txt, an input example), or why not: missing, or over the size the card reads.</summary>
public sealed record SmallFile(string Name, string? Text, long Size, string? Problem);

/// <summary>
/// The files of a registered version, for its card, its file tree and downloads: every call checks that the caller may
/// read the model (Read) and stays inside the version's folder.
/// </summary>
public sealed class VersionFiles(VersionService versions, IArtifactStore store, RunArtifacts trees)
{
    /// <summary>The most the card reads of one file (MLmodel, requirements, an input example) and shows of a previewed one.</summary>
    public const int SmallFileLimit = 256 * 1024;

    public async Task<VersionFolder> FolderAsync(Actor actor, string modelName, int number, CancellationToken ct = default) =>
        await FolderOfAsync(await versions.GetAsync(actor, modelName, number, ct), ct);

    /// <summary>The same, refusing a version whose files the portal does not hold (before a download starts).</summary>
    public async Task<VersionFolder> FolderWithFilesAsync(Actor actor, string modelName, int number, CancellationToken ct = default)
    {
        var folder = await FolderAsync(actor, modelName, number, ct);
        return folder.Folder is null ? throw NoFiles(folder.Version) : folder;
    }

    /// <summary>The folder of a version the caller has read (so the permission is checked).</summary>
    internal async Task<VersionFolder> FolderOfAsync(VersionView version, CancellationToken ct)
    {
        if (version.Status == VersionStatus.PendingRegistration || ArtifactStore.PathOf(version.DownloadUri) is not { } path)
            return new VersionFolder(version, null);
        var folder = ArtifactStore.KeyOf(path);
        return new VersionFolder(version, folder.Length > 0 && await store.HasFilesAsync(folder, ct) ? folder : null);
    }

    public async Task<ArtifactTree> TreeAsync(VersionFolder folder, CancellationToken ct = default) =>
        folder.Folder is null ? new ArtifactTree(folder.Version.DownloadUri, [], false, folder.Version.DownloadUri) : await trees.TreeOfAsync(folder.Version.DownloadUri, ct);

    /// <summary>The start of one of the version's text files.</summary>
    public async Task<ArtifactPreview> PreviewAsync(Actor actor, string modelName, int number, string path, CancellationToken ct = default)
    {
        var folder = await FolderAsync(actor, modelName, number, ct);
        return await RunArtifacts.PreviewOfAsync(store, await ExistingFileAsync(folder, path, ct), path, SmallFileLimit, ct);
    }

    /// <summary>The stored file for a download of one file; refuses paths outside the version's folder.</summary>
    public async Task<StoredFile> FileAsync(Actor actor, string modelName, int number, string path, CancellationToken ct = default) =>
        await ExistingFileAsync(await FolderAsync(actor, modelName, number, ct), path, ct);

    private async Task<StoredFile> ExistingFileAsync(VersionFolder folder, string path, CancellationToken ct) =>
        await store.GetAsync(folder.File(path) ?? throw NoFiles(folder.Version), ct)
            ?? throw RegistryError.NotFound($"Version {folder.Version.Version} of '{folder.Version.ModelName}' has no file '{path}'.");

    private static RegistryError NoFiles(VersionView version) =>
        RegistryError.NotFound($"The portal does not hold the files of version {version.Version} of '{version.ModelName}': they are at {version.DownloadUri}.");

    /// <summary>A file the card shows whole, read only when it is at most <see cref="SmallFileLimit"/>; null when it does not exist.</summary>
    internal async Task<SmallFile?> ReadSmallAsync(VersionFolder folder, string name, CancellationToken ct)
    {
        string? key;
        try { key = folder.File(name); }
        catch (RegistryError e) { return new SmallFile(name, null, 0, e.Message); }
        if (key is null || await store.OpenReadAsync(key, ct) is not { } stream) return null;
        await using (stream)
        {
            var size = stream.Length;
            if (size > SmallFileLimit)
                return new SmallFile(name, null, size, $"{name} is {(size + 1023) / 1024:N0} KB, more than the {SmallFileLimit / 1024} KB the model card reads.");
            using var text = new StreamReader(stream);
            return new SmallFile(name, await text.ReadToEndAsync(ct), size, null);
        }
    }

    /// <summary>
    /// Writes every file of the version into <paramref name="output"/> as a zip, one file at a time straight from the
    /// store: nothing is held in memory beyond a copy buffer, whatever the model's size.
    /// </summary>
    public async Task WriteZipAsync(VersionFolder folder, Stream output, CancellationToken ct)
    {
        var root = folder.Folder ?? throw NoFiles(folder.Version);
        await using var zip = await ZipArchive.CreateAsync(output, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, ct);
        await foreach (var file in store.ListAllAsync(root, ct))
        {
            var name = ArtifactKey.RelativeTo(root, file.Key);
            await using var from = await store.OpenReadAsync(file.Key, ct);
            if (from is null) continue; // deleted since it was listed
            // Weights rarely shrink and compressing gigabytes would make the download CPU-bound; text does, and is small.
            var entry = zip.CreateEntry(name, RunArtifacts.IsText(Path.GetFileName(name)) ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
            entry.LastWriteTime = file.LastModified;
            await using var to = await entry.OpenAsync(ct);
            await from.CopyToAsync(to, 1 << 16, ct);
        }
    }

    /// <summary>The name a download of the whole version gets: "fraud-detector-v3.zip".</summary>
    public static string ZipName(VersionView version) =>
        $"{UsageSnippets.FolderName(version.ModelName)}-v{version.Version}.zip";
}
