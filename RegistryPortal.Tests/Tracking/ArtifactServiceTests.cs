using System.IO.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Domain;
using RegistryPortal.Security;
using RegistryPortal.Storage;
using RegistryPortal.Tests.TestSupport;
using RegistryPortal.Tracking;

namespace RegistryPortal.Tests.Tracking;

/// <summary>Run artifacts as users reach them (mlflow-artifacts upload and download): Editor writes, Reader reads, paths stay inside the store.</summary>
public class ArtifactServiceTests
{
    private sealed record Scene(TestRegistry Registry, ArtifactService Artifacts, Actor Editor, string RunRoot);

    /// <summary>A run, and its artifact root as an artifact path ("{experiment}/{run}/artifacts").</summary>
    private static async Task<Scene> SceneAsync(TestRegistry registry)
    {
        var (runs, editor, runId) = await TrackingServiceTests.NewRunAsync(registry);
        var root = ArtifactStore.PathOf((await runs.GetAsync(editor, runId)).Info.ArtifactUri)!;
        return new Scene(registry, registry.Services.GetRequiredService<ArtifactService>(), editor, root);
    }

    private static PipeReader Content(byte[] bytes) => PipeReader.Create(new MemoryStream(bytes));

    [Fact]
    public async Task An_editor_uploads_a_file_under_a_run_and_a_reader_reads_it_back()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var s = await SceneAsync(registry);
        var bytes = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray();
        var reader = await registry.UserAsync(Roles.Reader);

        var written = await s.Artifacts.UploadAsync(s.Editor, $"{s.RunRoot}/model/weights.bin", Content(bytes), bytes.Length, default);

        Assert.Equal(bytes.Length, written);
        var file = await s.Artifacts.FileAsync(reader, $"{s.RunRoot}/model/weights.bin", default);
        Assert.NotNull(file);
        Assert.Equal(($"{s.RunRoot}/model/weights.bin", (long)bytes.Length), (file.Key, file.Size));
        var onDisk = registry.Services.GetRequiredService<ArtifactStore>().FileOrNull(file.Key)!;
        Assert.StartsWith(Path.GetFullPath(registry.Locations.ArtifactsRoot) + Path.DirectorySeparatorChar, onDisk);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(onDisk));
        Assert.Equal([new ArtifactEntry($"{s.RunRoot}/model/weights.bin", false, bytes.Length)],
            await s.Artifacts.ListAsync(reader, $"{s.RunRoot}/model", default));
    }

    [Fact]
    public async Task Uploading_again_replaces_the_file_whole()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var s = await SceneAsync(registry);
        var path = $"{s.RunRoot}/metrics.json";

        await s.Artifacts.UploadAsync(s.Editor, path, Content("{\"long\": \"first version\"}"u8.ToArray()), null, default);
        await s.Artifacts.UploadAsync(s.Editor, path, Content("{}"u8.ToArray()), null, default);

        Assert.Equal("{}"u8.ToArray(), await File.ReadAllBytesAsync(registry.Services.GetRequiredService<ArtifactStore>().FileOrNull((await s.Artifacts.FileAsync(s.Editor, path, default))!.Key)!));
        Assert.Single(await s.Artifacts.ListAsync(s.Editor, s.RunRoot, default)); // no temporary file left beside it
    }

    [Fact]
    public async Task A_file_that_is_not_there_or_is_a_folder_reads_as_none()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var s = await SceneAsync(registry);
        await s.Artifacts.UploadAsync(s.Editor, $"{s.RunRoot}/model/MLmodel", Content([1]), 1, default);

        Assert.Null(await s.Artifacts.FileAsync(s.Editor, $"{s.RunRoot}/missing.txt", default));
        Assert.Null(await s.Artifacts.FileAsync(s.Editor, $"{s.RunRoot}/model", default));
        await Expect.RefusalAsync(ErrorKind.InvalidValue,
            () => s.Artifacts.UploadAsync(s.Editor, $"{s.RunRoot}/model", Content([1]), 1, default), "is a folder; upload files into it instead");
    }

    [Theory]
    [InlineData("../outside.txt", "is not a valid artifact path")]
    [InlineData("a/../../outside.txt", "is not a valid artifact path")]
    [InlineData("a/./b.txt", "is not a valid artifact path")]
    [InlineData("a\\..\\..\\outside.txt", "is not a valid artifact path")]
    [InlineData("/etc/passwd", "is not a valid artifact path")]
    [InlineData("uploads/someone/file.txt", "is not an artifact path")]
    public async Task A_path_leaving_the_store_or_into_the_upload_staging_area_is_refused_both_ways(string path, string fragment)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var s = await SceneAsync(registry);
        // Everything in the data folder around the store, but the SQLite database's own files: its -wal and -shm come
        // and go as connections open and close.
        string[] Entries() => Directory.GetFileSystemEntries(Path.GetDirectoryName(registry.Locations.ArtifactsRoot)!, "*", SearchOption.AllDirectories)
            .Where(e => !e.StartsWith(registry.Locations.DatabaseFile, StringComparison.Ordinal)).ToArray();
        var before = Entries();

        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => s.Artifacts.UploadAsync(s.Editor, path, Content([1, 2]), 2, default), fragment);
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => s.Artifacts.FileAsync(s.Editor, path, default), fragment);

        Assert.Equal(before, Entries());
    }

    [Fact]
    public async Task Uploading_needs_the_Editor_role_and_reading_the_Reader_role()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var s = await SceneAsync(registry);
        var path = $"{s.RunRoot}/notes.txt";
        var reader = await registry.UserAsync(Roles.Reader);
        var nobody = await registry.UserAsync();

        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => s.Artifacts.UploadAsync(reader, path, Content([1]), 1, default), "You need the Editor role");
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => s.Artifacts.UploadAsync(nobody, path, Content([1]), 1, default), "You need the Editor role");
        Assert.Null(await s.Artifacts.FileAsync(s.Editor, path, default));

        await s.Artifacts.UploadAsync(s.Editor, path, Content([1]), 1, default);
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => s.Artifacts.FileAsync(nobody, path, default), "You need the Reader role");
        await registry.UserAdmin.LockAsync(await registry.AdminAsync(), s.Editor.UserId);
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => s.Artifacts.FileAsync(s.Editor, path, default), "You need the Reader role");
    }

    [Fact]
    public async Task A_file_declared_over_the_size_limit_is_refused_unread()
    {
        await using var registry = await TestRegistry.CreateAsync(new Dictionary<string, string?> { ["Artifacts:MaxFileSizeMB"] = "1" });
        var s = await SceneAsync(registry);
        var path = $"{s.RunRoot}/big.bin";

        await Expect.RefusalAsync(ErrorKind.InvalidValue,
            () => s.Artifacts.UploadAsync(s.Editor, path, Content([1, 2, 3]), 1024 * 1024 + 1, default), "larger than the largest file the portal accepts (1 MB)", "Artifacts:MaxFileSizeMB");

        Assert.Null(await s.Artifacts.FileAsync(s.Editor, path, default));
        Assert.Equal(1024 * 1024, await s.Artifacts.UploadAsync(s.Editor, path, Content(new byte[1024 * 1024]), 1024 * 1024, default));
    }
}
