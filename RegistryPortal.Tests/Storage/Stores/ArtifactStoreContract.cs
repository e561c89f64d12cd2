using System.IO.Pipelines;
using System.Security.Cryptography;
using RegistryPortal.Domain;
using RegistryPortal.Storage;

namespace RegistryPortal.Tests.Storage.Stores;

/// <summary>
/// What every <see cref="IArtifactStore"/> promises, run against each real store (a temporary folder, Azurite, an
/// S3-compatible server): a subclass only says how to make a fresh, empty store.
/// </summary>
public abstract class ArtifactStoreContract
{
    /// <summary>A fresh store that holds nothing yet, with the given size limit (null: none).</summary>
    protected abstract Task<IArtifactStore> NewStoreAsync(long? maxFileBytes = null);

    [Fact]
    public async Task A_written_file_reads_back_byte_for_byte_with_its_size()
    {
        var store = await NewStoreAsync();
        var bytes = Bytes(300_000);

        Assert.Equal(bytes.Length, await WriteAsync(store, "run1/artifacts/model/model.pkl", bytes));

        var file = await store.GetAsync("run1/artifacts/model/model.pkl", default);
        Assert.NotNull(file);
        Assert.Equal("run1/artifacts/model/model.pkl", file.Key);
        Assert.Equal(bytes.Length, file.Size);
        Assert.True(file.LastModified > DateTimeOffset.UtcNow.AddMinutes(-10));
        Assert.Equal(bytes, await ReadAllAsync(store, "run1/artifacts/model/model.pkl"));
    }

    [Fact]
    public async Task A_file_larger_than_any_one_block_streams_through_intact()
    {
        var store = await NewStoreAsync();
        var bytes = Bytes(21 * 1024 * 1024 + 17); // past the 4-16 MB block and 5 MB part sizes stores use

        await WriteAsync(store, "big/weights.bin", bytes, chunk: 1 << 16);

        Assert.Equal(SHA256.HashData(bytes), SHA256.HashData(await ReadAllAsync(store, "big/weights.bin")));
        Assert.Equal(bytes.Length, (await store.GetAsync("big/weights.bin", default))!.Size);
    }

    [Fact]
    public async Task An_empty_file_is_a_file()
    {
        var store = await NewStoreAsync();
        await WriteAsync(store, "folder/empty.txt", []);

        Assert.Equal(0, (await store.GetAsync("folder/empty.txt", default))!.Size);
        Assert.Empty(await ReadAllAsync(store, "folder/empty.txt"));
        Assert.Equal(["folder/empty.txt"], (await store.ListAsync("folder", default)).Select(e => e.Path));
    }

    [Fact]
    public async Task Reading_after_a_seek_starts_there()
    {
        var store = await NewStoreAsync();
        var bytes = Bytes(1_000_000);
        await WriteAsync(store, "ranged.bin", bytes);

        await using var stream = (await store.OpenReadAsync("ranged.bin", default))!;
        Assert.True(stream.CanSeek);
        Assert.False(stream.CanWrite);
        Assert.Equal(bytes.Length, stream.Length);
        stream.Seek(654_321, SeekOrigin.Begin);
        var part = new byte[1000];
        await stream.ReadExactlyAsync(part);
        Assert.Equal(bytes.AsSpan(654_321, 1000).ToArray(), part);
        stream.Position = 10;
        await stream.ReadExactlyAsync(part.AsMemory(0, 5));
        Assert.Equal(bytes.AsSpan(10, 5).ToArray(), part[..5]);
    }

    [Fact]
    public async Task A_second_write_replaces_the_file()
    {
        var store = await NewStoreAsync();
        await WriteAsync(store, "a/notes.txt", Bytes(5000));
        await WriteAsync(store, "a/notes.txt", "short"u8.ToArray());

        Assert.Equal("short"u8.ToArray(), await ReadAllAsync(store, "a/notes.txt"));
        Assert.Equal(5, (await store.GetAsync("a/notes.txt", default))!.Size);
    }

    [Fact]
    public async Task A_missing_file_is_null_and_a_folder_is_not_a_file()
    {
        var store = await NewStoreAsync();
        await WriteAsync(store, "a/b/c.txt", Bytes(10));

        Assert.Null(await store.GetAsync("a/b/missing.txt", default));
        Assert.Null(await store.OpenReadAsync("a/b/missing.txt", default));
        Assert.Null(await store.GetAsync("a/b", default));
        Assert.Null(await store.OpenReadAsync("a/b", default));
    }

    [Fact]
    public async Task A_stream_that_breaks_midway_leaves_no_file_and_keeps_the_old_one()
    {
        var store = await NewStoreAsync();
        await WriteAsync(store, "model/data.bin", "old"u8.ToArray());

        var pipe = new Pipe();
        var write = store.WriteAsync("model/data.bin", pipe.Reader, null, default);
        await pipe.Writer.WriteAsync(Bytes(6 * 1024 * 1024));
        await pipe.Writer.CompleteAsync(new IOException("The client went away."));
        await Assert.ThrowsAsync<IOException>(() => write);

        var broken = new Pipe();
        var fresh = store.WriteAsync("model/other.bin", broken.Reader, null, default);
        await broken.Writer.WriteAsync(Bytes(1000));
        await broken.Writer.CompleteAsync(new IOException("The client went away."));
        await Assert.ThrowsAsync<IOException>(() => fresh);

        Assert.Equal("old"u8.ToArray(), await ReadAllAsync(store, "model/data.bin"));
        Assert.Null(await store.GetAsync("model/other.bin", default));
        Assert.Equal(["model/data.bin"], (await store.ListAsync("model", default)).Select(e => e.Path));
        Assert.Equal(["model/data.bin"], await KeysAsync(store, ""));
    }

    [Fact]
    public async Task A_cancelled_write_leaves_no_file()
    {
        var store = await NewStoreAsync();
        using var cancel = new CancellationTokenSource();
        var pipe = new Pipe();
        var write = store.WriteAsync("cancelled.bin", pipe.Reader, null, cancel.Token);
        await pipe.Writer.WriteAsync(Bytes(100_000));
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write);
        Assert.Null(await store.GetAsync("cancelled.bin", default));
        Assert.Empty(await KeysAsync(store, ""));
    }

    [Fact]
    public async Task A_file_over_the_size_limit_is_refused_before_or_while_it_is_read_and_leaves_nothing()
    {
        var store = await NewStoreAsync(maxFileBytes: 1000);

        var declared = new Pipe(); // nothing is ever written to it: refused on the declared length alone
        var refused = await Assert.ThrowsAsync<RegistryError>(() => store.WriteAsync("declared.bin", declared.Reader, 5000, default));
        Assert.Equal(ErrorKind.InvalidValue, refused.Kind);
        Assert.Contains("larger than the largest file", refused.Message);

        var grown = await Assert.ThrowsAsync<RegistryError>(() => WriteAsync(store, "grown.bin", Bytes(5000)));
        Assert.Equal(ErrorKind.InvalidValue, grown.Kind);

        Assert.Equal(1000, await WriteAsync(store, "fits.bin", Bytes(1000)));
        Assert.Equal(["fits.bin"], await KeysAsync(store, ""));
    }

    [Fact]
    public async Task Listing_a_folder_shows_its_files_and_folders_in_order()
    {
        var store = await NewStoreAsync();
        await WriteAsync(store, "run/model/MLmodel", Bytes(3));
        await WriteAsync(store, "run/model/data/weights.bin", Bytes(7));
        await WriteAsync(store, "run/model/conda.yaml", Bytes(5));
        await WriteAsync(store, "run/modelx/other.txt", Bytes(1));

        var entries = await store.ListAsync("run/model", default);

        Assert.Equal(
            [("run/model/MLmodel", false, (long?)3), ("run/model/conda.yaml", false, 5L), ("run/model/data", true, null)],
            entries.Select(e => (e.Path, e.IsDir, e.FileSize)));
        Assert.Equal([("run", true)], (await store.ListAsync("", default)).Select(e => (e.Path, e.IsDir)));
        Assert.Equal(["run/model", "run/modelx"], (await store.ListAsync("run/", default)).Select(e => e.Path));
        Assert.Empty(await store.ListAsync("run/missing", default));
    }

    [Fact]
    public async Task Listing_everything_under_a_folder_goes_to_any_depth_in_key_order()
    {
        var store = await NewStoreAsync();
        await WriteAsync(store, "m/b.txt", Bytes(2));
        await WriteAsync(store, "m/a/deep/x.bin", Bytes(4));
        await WriteAsync(store, "m/a/y.bin", Bytes(8));
        await WriteAsync(store, "mx/not-inside.txt", Bytes(1));

        var files = await ListAllAsync(store, "m");

        Assert.Equal([("m/a/deep/x.bin", 4L), ("m/a/y.bin", 8L), ("m/b.txt", 2L)], files.Select(f => (f.Key, f.Size)));
        Assert.Equal(4, (await ListAllAsync(store, "")).Count);
        Assert.Empty(await ListAllAsync(store, "nothing-here"));
    }

    [Fact]
    public async Task Copying_a_folder_copies_every_file_and_leaves_the_source()
    {
        var store = await NewStoreAsync();
        var weights = Bytes(2_000_000);
        await WriteAsync(store, "runs/r1/model/MLmodel", "flavors: {}"u8.ToArray());
        await WriteAsync(store, "runs/r1/model/data/weights.bin", weights);
        await WriteAsync(store, "runs/r1/modelx/unrelated.txt", Bytes(3));

        await store.CopyFolderAsync("runs/r1/model", "registry/abc", default);

        Assert.Equal(["registry/abc/MLmodel", "registry/abc/data/weights.bin"], await KeysAsync(store, "registry"));
        Assert.Equal(weights, await ReadAllAsync(store, "registry/abc/data/weights.bin"));
        Assert.Equal("flavors: {}"u8.ToArray(), await ReadAllAsync(store, "registry/abc/MLmodel"));
        Assert.Equal(2, (await ListAllAsync(store, "runs/r1/model")).Count);
    }

    [Fact]
    public async Task Moving_a_folder_leaves_nothing_at_the_source()
    {
        var store = await NewStoreAsync();
        await WriteAsync(store, "uploads/u1/x/MLmodel", Bytes(11));
        await WriteAsync(store, "uploads/u1/x/data/model.pkl", Bytes(22));
        await WriteAsync(store, "uploads/u1/xy/keep.txt", Bytes(1));

        await store.MoveFolderAsync("uploads/u1/x", "registry/r2", default);

        Assert.Equal(["registry/r2/MLmodel", "registry/r2/data/model.pkl"], await KeysAsync(store, "registry"));
        Assert.Equal(["uploads/u1/xy/keep.txt"], await KeysAsync(store, "uploads"));
        Assert.Equal(Bytes(22), await ReadAllAsync(store, "registry/r2/data/model.pkl"));
    }

    [Fact]
    public async Task Deleting_removes_exactly_what_was_named_and_a_second_delete_is_harmless()
    {
        var store = await NewStoreAsync();
        await WriteAsync(store, "registry/a/MLmodel", Bytes(1));
        await WriteAsync(store, "registry/a/data/w.bin", Bytes(2));
        await WriteAsync(store, "registry/ab/MLmodel", Bytes(3));
        await WriteAsync(store, "loose.txt", Bytes(4));

        await store.DeleteFolderAsync("registry/a", default);
        await store.DeleteFolderAsync("registry/a", default);
        await store.DeleteAsync("loose.txt", default);
        await store.DeleteAsync("loose.txt", default);

        Assert.Equal(["registry/ab/MLmodel"], await KeysAsync(store, ""));
    }

    [Theory]
    [InlineData("../outside.txt")]
    [InlineData("a/../../outside.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("a/./b.txt")]
    [InlineData("a//b.txt")]
    [InlineData("a\0b.txt")]
    [InlineData("..\\outside.txt")]
    [InlineData("a/..\\..\\outside.txt")]
    [InlineData("")]
    public async Task A_key_that_could_escape_the_root_is_refused_everywhere(string key)
    {
        var store = await NewStoreAsync();
        await WriteAsync(store, "inside/file.txt", Bytes(1));

        await AssertRefused(() => WriteAsync(store, key, Bytes(1)));
        await AssertRefused(() => store.GetAsync(key, default));
        await AssertRefused(() => store.OpenReadAsync(key, default));
        await AssertRefused(() => store.DeleteAsync(key, default));
        if (key.Length > 0)
        {
            await AssertRefused(() => store.ListAsync(key, default));
            await AssertRefused(() => store.DeleteFolderAsync(key, default));
            await AssertRefused(() => store.CopyFolderAsync("inside", key, default));
            await AssertRefused(() => store.CopyFolderAsync(key, "copy", default));
        }
        Assert.Equal(["inside/file.txt"], await KeysAsync(store, ""));
    }

    [Fact]
    public async Task Ten_thousand_files_in_one_folder_all_list_in_order()
    {
        var store = await NewStoreAsync();
        var keys = Enumerable.Range(0, 10_000).Select(i => $"many/file-{i:D5}.txt").ToList();
        // Past every listing page size (1,000 on S3, 5,000 on Azure), written a few at a time.
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (key, _) => await WriteAsync(store, key, Bytes(3)));

        Assert.Equal(keys, (await store.ListAsync("many", default)).Select(e => e.Path));
        Assert.Equal(keys, await KeysAsync(store, "many"));
        Assert.All(await ListAllAsync(store, "many"), f => Assert.Equal(3, f.Size));
    }

    [Fact]
    public async Task Clearing_unfinished_writes_keeps_every_finished_file()
    {
        var store = await NewStoreAsync();
        await WriteAsync(store, "a/done.bin", Bytes(100));

        await store.RemoveUnfinishedWritesAsync(DateTimeOffset.UtcNow.AddMinutes(1), default);

        Assert.Equal(Bytes(100), await ReadAllAsync(store, "a/done.bin"));
    }

    [Fact]
    public async Task A_reachable_store_passes_its_check_and_names_its_kind()
    {
        var store = await NewStoreAsync();
        await store.CheckAsync(default);
        Assert.Contains(store.Kind, new[] { "FileSystem", "AzureBlob", "S3" });
    }

    // ---- helpers ----

    protected static byte[] Bytes(int count) => Enumerable.Range(0, count).Select(i => (byte)(i * 31 % 251)).ToArray();

    protected static async Task<long> WriteAsync(IArtifactStore store, string key, byte[] bytes, int chunk = 1 << 20)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var write = store.WriteAsync(key, pipe.Reader, null, default);
        for (var at = 0; at < bytes.Length; at += chunk)
            await pipe.Writer.WriteAsync(bytes.AsMemory(at, Math.Min(chunk, bytes.Length - at)));
        await pipe.Writer.CompleteAsync();
        return await write;
    }

    protected static async Task<byte[]> ReadAllAsync(IArtifactStore store, string key)
    {
        await using var stream = await store.OpenReadAsync(key, default) ?? throw new FileNotFoundException(key);
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    protected static async Task<List<StoredFile>> ListAllAsync(IArtifactStore store, string folder)
    {
        var files = new List<StoredFile>();
        await foreach (var file in store.ListAllAsync(folder, default)) files.Add(file);
        return files;
    }

    protected static async Task<List<string>> KeysAsync(IArtifactStore store, string folder) =>
        (await ListAllAsync(store, folder)).Select(f => f.Key).ToList();

    private static async Task AssertRefused(Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RegistryError>(call);
        Assert.Equal(ErrorKind.InvalidValue, error.Kind);
    }
}
