using RegistryPortal.Storage;
using RegistryPortal.Storage.FileSystem;

namespace RegistryPortal.Tests.Storage.Stores;

/// <summary>A fresh temporary folder for each store; removed after the test.</summary>
public sealed class TemporaryStoreFolders : IDisposable
{
    private readonly List<string> folders = [];

    public FileSystemArtifactStore NewStore(long? maxFileBytes = null)
    {
        var folder = Directory.CreateTempSubdirectory("registry-store-").FullName;
        lock (folders) folders.Add(folder);
        return new FileSystemArtifactStore(folder, new FileSizeLimit(maxFileBytes));
    }

    public void Dispose()
    {
        foreach (var folder in folders)
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }
}

/// <summary>The contract every store keeps, on a folder of the local disk.</summary>
public sealed class FileSystemArtifactStoreTests : ArtifactStoreContract, IDisposable
{
    private readonly TemporaryStoreFolders folders = new();

    protected override Task<IArtifactStore> NewStoreAsync(long? maxFileBytes = null) => Task.FromResult<IArtifactStore>(folders.NewStore(maxFileBytes));

    public void Dispose() => folders.Dispose();

    // ---- what only a folder has ----

    [Fact]
    public async Task A_write_in_progress_is_a_hidden_temporary_file_that_listings_skip_and_cleanup_removes_once_stale()
    {
        var store = folders.NewStore();
        await WriteAsync(store, "run/done.bin", Bytes(10));
        var stale = Path.Combine(store.Root, "run", $".big.bin.{Guid.NewGuid():N}{AtomicFile.PartialSuffix}");
        var live = Path.Combine(store.Root, "run", $".live.bin.{Guid.NewGuid():N}{AtomicFile.PartialSuffix}");
        await File.WriteAllBytesAsync(stale, Bytes(5));
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-2));
        await File.WriteAllBytesAsync(live, Bytes(5));

        Assert.Equal(["run/done.bin"], (await store.ListAsync("run", default)).Select(e => e.Path));
        Assert.Equal(["run/done.bin"], await KeysAsync(store, ""));
        Assert.Null(store.LocalFile(Path.GetRelativePath(store.Root, stale)));

        Assert.Equal(1, await store.RemoveUnfinishedWritesAsync(DateTimeOffset.UtcNow.AddHours(-1), default));
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(live));
    }

    [Fact]
    public async Task An_upload_folder_that_held_only_an_unfinished_write_goes_with_it()
    {
        var store = folders.NewStore();
        var folder = Path.Combine(store.Root, "uploads", "user1", "0a");
        Directory.CreateDirectory(folder);
        var stale = Path.Combine(folder, $".weights.bin.{Guid.NewGuid():N}{AtomicFile.PartialSuffix}");
        await File.WriteAllBytesAsync(stale, Bytes(5));
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-2));

        Assert.Equal(1, await store.RemoveUnfinishedWritesAsync(DateTimeOffset.UtcNow.AddHours(-1), default));

        Assert.False(Directory.Exists(Path.Combine(store.Root, "uploads")));
        Assert.True(Directory.Exists(store.Root));
    }

    [Fact]
    public async Task A_file_is_found_on_disk_for_fast_downloads_and_a_folder_or_missing_file_is_not()
    {
        var store = folders.NewStore();
        await WriteAsync(store, "a/b.bin", Bytes(3));

        Assert.Equal(Path.Combine(store.Root, "a", "b.bin"), store.LocalFile("a/b.bin"));
        Assert.Null(store.LocalFile("a"));
        Assert.Null(store.LocalFile("a/missing.bin"));
        Assert.Throws<RegistryPortal.Domain.RegistryError>(() => store.LocalFile("../etc/passwd"));
    }

    [Fact]
    public async Task A_copy_is_dated_when_it_is_made_so_recovery_sees_it_alive()
    {
        var store = folders.NewStore();
        await WriteAsync(store, "runs/r/model/MLmodel", Bytes(3));
        File.SetLastWriteTimeUtc(Path.Combine(store.Root, "runs", "r", "model", "MLmodel"), DateTime.UtcNow.AddDays(-3));

        await store.CopyFolderAsync("runs/r/model", "registry/x", default);

        Assert.True((await store.GetAsync("registry/x/MLmodel", default))!.LastModified > DateTimeOffset.UtcNow.AddHours(-1));
    }

    [Fact]
    public async Task Deleting_the_last_file_of_a_folder_leaves_no_empty_folder_to_list()
    {
        var store = folders.NewStore();
        await WriteAsync(store, "a/b/c.txt", Bytes(1));
        await WriteAsync(store, "a/keep.txt", Bytes(1));

        await store.DeleteAsync("a/b/c.txt", default);

        Assert.Equal(["a/keep.txt"], (await store.ListAsync("a", default)).Select(e => e.Path));
    }

    [Fact]
    public async Task A_store_whose_folder_cannot_be_made_fails_its_check_with_what_to_fix()
    {
        var file = Path.Combine(Path.GetTempPath(), $"registry-not-a-folder-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(file, "x");
        try
        {
            var store = new FileSystemArtifactStore(Path.Combine(file, "artifacts"), new FileSizeLimit(null));
            var error = await Assert.ThrowsAsync<IOException>(() => store.CheckAsync(default));
            Assert.Contains("Artifacts:Root", error.Message);
            Assert.Contains("Give a folder the portal may write to", error.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }
}

/// <summary>A 2 GiB file through a folder of the local disk, in bounded memory.</summary>
[Collection(nameof(LargeFiles))]
public sealed class FileSystemLargeFileTests : LargeFileContract, IDisposable
{
    private readonly TemporaryStoreFolders folders = new();

    protected override Task<IArtifactStore> NewStoreAsync() => Task.FromResult<IArtifactStore>(folders.NewStore());

    public void Dispose() => folders.Dispose();
}
