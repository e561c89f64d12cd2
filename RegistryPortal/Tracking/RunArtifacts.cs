using System.Text;
using RegistryPortal.Domain;
using RegistryPortal.Security;
using RegistryPortal.Storage;

namespace RegistryPortal.Tracking;

/// <summary>A file or folder among a run's artifacts; <see cref="Path"/> is relative to the run's artifact root.</summary>
public sealed record ArtifactNode(string Path, bool IsDir, long? FileSize, IReadOnlyList<ArtifactNode> Children)
{
    public string Name => Path[(Path.LastIndexOf('/') + 1)..];

    /// <summary>A folder holding an MLmodel file: a logged model, which can be registered.</summary>
    public bool IsModel => IsDir && Children.Any(c => !c.IsDir && c.Name == RunArtifacts.ModelFile);
}

/// <summary>
/// A run's artifacts as a tree. <see cref="StoredOutside"/> names the location when the run keeps its artifacts
/// outside the portal (then there is nothing to list); <see cref="Truncated"/> says the listing stopped at
/// <see cref="RunArtifacts.MaxEntries"/> entries.
/// </summary>
public sealed record ArtifactTree(string ArtifactUri, IReadOnlyList<ArtifactNode> Items, bool Truncated, string? StoredOutside)
{
    /// <summary>The run's artifact root itself holds an MLmodel file.</summary>
    public bool RootIsModel => Items.Any(c => !c.IsDir && c.Name == RunArtifacts.ModelFile);

    /// <summary>Every file in the tree, depth first, with its path from the root.</summary>
    public IEnumerable<ArtifactNode> Files => Flatten(Items);

    public long TotalSize => Files.Sum(f => f.FileSize ?? 0);

    private static IEnumerable<ArtifactNode> Flatten(IEnumerable<ArtifactNode> nodes) =>
        nodes.SelectMany(n => n.IsDir ? Flatten(n.Children) : [n]);
}

/// <summary>
/// The start of a text file (at most <see cref="RunArtifacts.PreviewLimit"/> bytes, <see cref="Truncated"/> when
/// there is more), or why it is not shown (<see cref="NotShownBecause"/>).
/// </summary>
public sealed record ArtifactPreview(string Path, long FileSize, string? Text, bool Truncated, string? NotShownBecause);

/// <summary>
/// Browsing a run's artifacts for the run page (and a logged model's files for its page): the tree of its files and a
/// preview of small text files. Every call checks that the caller may read the run or model, and stays inside its
/// own artifact folder.
/// </summary>
public sealed class RunArtifacts(RunService runs, ArtifactStore store)
{
    public const string ModelFile = "MLmodel";
    public const int PreviewLimit = 64 * 1024;
    public const int MaxEntries = 2000;

    private static readonly HashSet<string> TextNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ModelFile, "requirements.txt", "conda.yaml", "python_env.yaml", "LICENSE", "README", "Dockerfile",
    };

    private static readonly HashSet<string> TextExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".txt", ".yaml", ".yml", ".json", ".md", ".py", ".cfg", ".ini", ".toml", ".csv", ".tsv", ".log", ".xml", ".html", ".sh", ".r", ".sql",
    };

    /// <summary>Whether the preview shows a file of this name (MLmodel, requirements.txt, *.yaml, *.json, *.txt and the like).</summary>
    public static bool IsText(string name) => TextNames.Contains(name) || TextExtensions.Contains(System.IO.Path.GetExtension(name));

    public async Task<ArtifactTree> TreeAsync(Actor actor, string runId, CancellationToken ct = default) =>
        await TreeOfAsync((await runs.GetAsync(actor, runId, ct)).Info.ArtifactUri, ct);

    /// <summary>
    /// The files of an MLflow 3 logged model, under its own artifact location; the model is one the caller has read
    /// through <see cref="LoggedModelService"/>, which checked the permission.
    /// </summary>
    public Task<ArtifactTree> LoggedModelTreeAsync(LoggedModel model, CancellationToken ct = default) => TreeOfAsync(model.ArtifactUri, ct);

    /// <summary>The files under an artifact URI (a run's, a logged model's, a registered version's); the caller checked the permission.</summary>
    public async Task<ArtifactTree> TreeOfAsync(string artifactUri, CancellationToken ct = default)
    {
        var root = ArtifactStore.PathOf(artifactUri)?.TrimEnd('/');
        if (root is null) return new ArtifactTree(artifactUri, [], false, artifactUri);
        var count = 0;
        async Task<List<ArtifactNode>> Folder(string relative)
        {
            var nodes = new List<ArtifactNode>();
            foreach (var entry in await store.ListAsync(relative.Length == 0 ? root : $"{root}/{relative}", ct))
            {
                if (++count > MaxEntries) break;
                var path = ArtifactKey.RelativeTo(root, entry.Path);
                nodes.Add(new ArtifactNode(path, entry.IsDir, entry.FileSize, entry.IsDir ? await Folder(path) : []));
            }
            // Folders first, then files, each by name, as file browsers show them.
            return nodes.OrderBy(n => n.IsDir ? 0 : 1).ThenBy(n => n.Name, StringComparer.Ordinal).ToList();
        }
        var items = await Folder("");
        return new ArtifactTree(artifactUri, items, count > MaxEntries, null);
    }

    /// <summary>The start of a text file among the run's artifacts; <paramref name="path"/> is relative to the run's artifact root.</summary>
    public async Task<ArtifactPreview> PreviewAsync(Actor actor, string runId, string path, CancellationToken ct = default)
    {
        var run = await runs.GetAsync(actor, runId, ct);
        var relative = Confined(path);
        var root = ArtifactStore.PathOf(run.Info.ArtifactUri)?.TrimEnd('/')
            ?? throw RegistryError.InvalidValue($"Run {runId} keeps its artifacts outside the portal ({run.Info.ArtifactUri}).");
        var file = await store.GetAsync($"{root}/{relative}", ct)
            ?? throw RegistryError.NotFound($"Run {runId} has no artifact file '{relative}'.");
        return await PreviewOfAsync(store.Files, file, relative, PreviewLimit, ct);
    }

    /// <summary>The start of <paramref name="file"/> (at most <paramref name="limit"/> bytes) when it is text; <paramref name="relative"/> names it.</summary>
    public static async Task<ArtifactPreview> PreviewOfAsync(IArtifactStore files, StoredFile file, string relative, int limit, CancellationToken ct)
    {
        var size = file.Size;
        if (!IsText(System.IO.Path.GetFileName(relative)))
            return new ArtifactPreview(relative, size, null, false, "There is no preview for this type of file.");
        var buffer = new byte[Math.Min(size, limit)];
        int read;
        await using (var stream = await files.OpenReadAsync(file.Key, ct) ?? throw RegistryError.NotFound($"'{relative}' was deleted just now."))
        {
            read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
        }
        var start = buffer.AsSpan(0, read);
        if (start.Contains((byte)0))
            return new ArtifactPreview(relative, size, null, false, "The file holds binary data, so it is not shown as text.");
        return new ArtifactPreview(relative, size, Encoding.UTF8.GetString(start), size > limit, null);
    }

    /// <summary>A path inside the run's folder: relative, '/'-separated, no empty, '.' or '..' segment.</summary>
    private static string Confined(string path)
    {
        var segments = (path ?? "").Split('/');
        if (string.IsNullOrEmpty(path) || path.Contains('\\') || segments.Any(s => s is "" or "." or ".."))
            throw RegistryError.InvalidValue($"'{path}' is not a path inside the run's artifacts.");
        return path;
    }
}
