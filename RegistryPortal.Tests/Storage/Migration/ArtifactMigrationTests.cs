using System.IO.Pipelines;
using RegistryPortal.Storage;
using RegistryPortal.Storage.FileSystem;
using RegistryPortal.Storage.Migration;
using RegistryPortal.Tests.Storage.Stores;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Storage.Migration;

/// <summary>
/// Moving an existing file-system store into object storage (<c>artifacts migrate</c>): every file but staged uploads,
/// verified, resumable, with a progress bar; against a real folder and Azurite or the S3 server.
/// </summary>
public sealed class ArtifactMigrationTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("registryportal-migration-").FullName;
    private string Root => Path.Combine(folder, "artifacts");
    private string JournalPath => Path.Combine(folder, "journal.jsonl");

    [Fact]
    public async Task Every_file_but_staged_uploads_is_copied_byte_for_byte_and_counted()
    {
        var source = new FileSystemArtifactStore(Root, new FileSizeLimit(null));
        var files = new Dictionary<string, byte[]>
        {
            ["1/abc/artifacts/model/MLmodel"] = "flavors: {}"u8.ToArray(),
            ["1/abc/artifacts/model/data/weights.bin"] = Pattern(3_000_000),
            ["registry/0f00/model.pkl"] = Pattern(20_000),
            ["registry/0f00/empty.txt"] = [],
        };
        foreach (var (key, bytes) in files) await WriteAsync(source, key, bytes);
        await WriteAsync(source, "uploads/user1/upload1/model.pkl", Pattern(10));
        var target = (await AzureBlobStores.NewAsync()).Store;
        var progress = new StringWriter();

        MigrationResult result;
        await using (var journal = await MigrationJournal.OpenAsync(JournalPath, default))
            result = await new ArtifactMigration(source, target, journal).RunAsync(new ProgressBar(progress, inPlace: false), default);

        Assert.Equal(new MigrationResult(4, 0, files.Values.Sum(b => (long)b.Length), 4, files.Values.Sum(b => (long)b.Length)), result);
        Assert.Equal(files.Keys.Order(StringComparer.Ordinal), await KeysAsync(target));
        foreach (var (key, bytes) in files) Assert.Equal(bytes, await ReadAsync(target, key));
        Assert.Equal(4, File.ReadAllLines(JournalPath).Length);
        var lines = progress.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("[......", lines[0]);
        Assert.Contains("100%  4/4 files", lines[^1]);
    }

    [Fact]
    public async Task A_second_run_copies_only_what_is_new_changed_or_missing_in_the_target()
    {
        var source = new FileSystemArtifactStore(Root, new FileSizeLimit(null));
        for (var i = 0; i < 6; i++) await WriteAsync(source, $"run/file-{i}.bin", Pattern(1000 + i));
        var target = await S3StoreAsync();
        await MigrateAsync(source, target);

        await WriteAsync(source, "run/file-new.bin", Pattern(5));          // new since
        await WriteAsync(source, "run/file-1.bin", Pattern(4321));         // changed since
        await target.DeleteAsync("run/file-2.bin", default);               // lost from the target
        var second = await MigrateAsync(source, target);

        Assert.Equal((3, 4, 7), (second.Copied, second.AlreadyThere, second.FilesTotal));
        Assert.Equal(Pattern(4321), await ReadAsync(target, "run/file-1.bin"));
        Assert.Equal(Pattern(1002), await ReadAsync(target, "run/file-2.bin"));
        Assert.Equal(Pattern(5), await ReadAsync(target, "run/file-new.bin"));
    }

    [Fact]
    public async Task A_journal_line_cut_short_by_a_crash_copies_that_file_again()
    {
        var source = new FileSystemArtifactStore(Root, new FileSizeLimit(null));
        await WriteAsync(source, "a.bin", Pattern(10));
        await WriteAsync(source, "b.bin", Pattern(20));
        var target = (await AzureBlobStores.NewAsync()).Store;
        await MigrateAsync(source, target);
        var lines = File.ReadAllLines(JournalPath);
        File.WriteAllText(JournalPath, lines[0] + "\n" + lines[1][..(lines[1].Length / 2)]);

        var second = await MigrateAsync(source, target);

        Assert.Equal((1, 1), (second.Copied, second.AlreadyThere));
        Assert.Equal(Pattern(20), await ReadAsync(target, "b.bin"));
    }

    [Fact]
    public async Task The_command_moves_a_file_system_store_into_S3_and_says_what_to_set_next()
    {
        var source = new FileSystemArtifactStore(Root, new FileSizeLimit(null));
        await WriteAsync(source, "registry/1234/MLmodel", Pattern(100));
        var s3 = await S3Server.SharedAsync();
        var bucket = s3.Options(await s3.CreateBucketAsync());
        var (output, error) = (new StringWriter(), new StringWriter());

        var code = await ArtifactsCommand.RunAsync(
            ["artifacts", "migrate", "--to", "s3", "--journal", JournalPath, "--Artifacts:Root", Root, "--Artifacts:S3:Bucket", bucket.Bucket!,
             "--Artifacts:S3:ServiceUrl", bucket.ServiceUrl!, "--Artifacts:S3:ForcePathStyle", "true",
             "--Artifacts:S3:AccessKeyId", bucket.AccessKeyId!, "--Artifacts:S3:SecretAccessKey", bucket.SecretAccessKey!],
            output, error, interactive: false);

        Assert.True(code == 0, error.ToString());
        Assert.Contains("Done: 1 files (100 bytes) are in the S3 store, checked by size and SHA-256", output.ToString());
        Assert.Contains("Now set Artifacts:Store=S3", output.ToString());
        using var store = RegistryPortal.Storage.S3.S3ArtifactStore.Create(bucket, new FileSizeLimit(null));
        Assert.Equal(Pattern(100), await ReadAsync(store, "registry/1234/MLmodel"));
    }

    [Theory]
    [InlineData(new[] { "artifacts" }, 2, "'artifacts' needs: migrate --to AzureBlob|S3|FileSystem.")]
    [InlineData(new[] { "artifacts", "migrate", "--to", "Dropbox" }, 2, "--to is 'Dropbox': give AzureBlob, S3 or FileSystem.")]
    [InlineData(new[] { "artifacts", "migrate", "--to", "FileSystem" }, 1, "Artifacts:Store is already FileSystem")]
    [InlineData(new[] { "artifacts", "migrate", "--to", "AzureBlob" }, 1, "Artifacts:AzureBlob:Container")]
    public async Task The_command_refuses_what_it_cannot_do_and_says_why(string[] args, int exitCode, string message)
    {
        var (output, error) = (new StringWriter(), new StringWriter());

        var code = await ArtifactsCommand.RunAsync([.. args, "--journal", JournalPath, "--Artifacts:Root", Root], output, error, interactive: false);

        Assert.Equal(exitCode, code);
        Assert.Contains(message, error.ToString());
    }

    [Fact]
    public async Task An_unreachable_target_stops_the_command_before_anything_is_copied()
    {
        var (output, error) = (new StringWriter(), new StringWriter());

        var code = await ArtifactsCommand.RunAsync(
            ["artifacts", "migrate", "--to", "S3", "--journal", JournalPath, "--Artifacts:Root", Root, "--Artifacts:S3:Bucket", "no-such-bucket",
             "--Artifacts:S3:ServiceUrl", (await S3Server.SharedAsync()).ServiceUrl, "--Artifacts:S3:ForcePathStyle", "true",
             "--Artifacts:S3:AccessKeyId", S3Server.Key, "--Artifacts:S3:SecretAccessKey", S3Server.Key],
            output, error, interactive: false);

        Assert.Equal(1, code);
        Assert.Contains("no-such-bucket", error.ToString());
        Assert.False(File.Exists(JournalPath));
    }

    private async Task<MigrationResult> MigrateAsync(IArtifactStore source, IArtifactStore target)
    {
        await using var journal = await MigrationJournal.OpenAsync(JournalPath, default);
        return await new ArtifactMigration(source, target, journal).RunAsync(null, default);
    }

    private static async Task<IArtifactStore> S3StoreAsync()
    {
        var s3 = await S3Server.SharedAsync();
        return RegistryPortal.Storage.S3.S3ArtifactStore.Create(s3.Options(await s3.CreateBucketAsync()), new FileSizeLimit(null));
    }

    private static byte[] Pattern(int count) => Enumerable.Range(0, count).Select(i => (byte)(i * 7 % 253 + count)).ToArray();

    private static async Task WriteAsync(IArtifactStore store, string key, byte[] bytes)
    {
        var pipe = new Pipe();
        var write = store.WriteAsync(key, pipe.Reader, null, default);
        await pipe.Writer.WriteAsync(bytes);
        await pipe.Writer.CompleteAsync();
        await write;
    }

    private static async Task<byte[]> ReadAsync(IArtifactStore store, string key)
    {
        await using var stream = await store.OpenReadAsync(key, default) ?? throw new FileNotFoundException(key);
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static async Task<List<string>> KeysAsync(IArtifactStore store)
    {
        var keys = new List<string>();
        await foreach (var file in store.ListAllAsync("", default)) keys.Add(file.Key);
        return keys;
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
