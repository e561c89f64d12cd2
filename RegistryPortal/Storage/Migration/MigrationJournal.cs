using System.Collections.Concurrent;
using System.Text.Json;

namespace RegistryPortal.Storage.Migration;

/// <summary>
/// The files a migration has copied and verified, one JSON line each (key, size, the source's last write, SHA-256),
/// appended as each copy is verified, so a migration stopped at any point goes on where it was. A file changed in the
/// source since it was recorded is copied again. A last line cut off by a crash is ignored.
/// </summary>
public sealed class MigrationJournal : IAsyncDisposable
{
    private sealed record Entry(string Key, long Size, long Modified, string Sha256);

    private readonly ConcurrentDictionary<string, Entry> entries;
    private readonly StreamWriter writer;
    private readonly SemaphoreSlim appending = new(1, 1);

    private MigrationJournal(ConcurrentDictionary<string, Entry> entries, StreamWriter writer) => (this.entries, this.writer) = (entries, writer);

    public string Path { get; private init; } = "";

    /// <summary>Files the journal already holds.</summary>
    public int Count => entries.Count;

    public static async Task<MigrationJournal> OpenAsync(string path, CancellationToken ct)
    {
        var entries = new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal);
        if (File.Exists(path))
        {
            foreach (var line in await File.ReadAllLinesAsync(path, ct))
            {
                try
                {
                    if (JsonSerializer.Deserialize<Entry>(line) is { Key: not null } entry) entries[entry.Key] = entry;
                }
                catch (JsonException) { /* a line a crash cut short: that file is copied again */ }
            }
        }
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read));
        return new MigrationJournal(entries, writer) { Path = System.IO.Path.GetFullPath(path) };
    }

    /// <summary>Whether this very file (same size and last write in the source) was copied and verified before.</summary>
    public bool Holds(StoredFile file) =>
        entries.TryGetValue(file.Key, out var entry) && entry.Size == file.Size && entry.Modified == file.LastModified.UtcTicks;

    public async Task RecordAsync(StoredFile file, byte[] sha256, CancellationToken ct)
    {
        var entry = new Entry(file.Key, file.Size, file.LastModified.UtcTicks, Convert.ToHexStringLower(sha256));
        await appending.WaitAsync(ct);
        try
        {
            await writer.WriteLineAsync(JsonSerializer.Serialize(entry).AsMemory(), ct);
            await writer.FlushAsync(ct);
        }
        finally { appending.Release(); }
        entries[file.Key] = entry;
    }

    public async ValueTask DisposeAsync()
    {
        await writer.DisposeAsync();
        appending.Dispose();
    }
}
