using System.IO.Compression;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Storage;
using RegistryPortal.Storage.FileSystem;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Storage;

/// <summary>Uploaded model files on a real disk: streamed, confined to their folder, never half-written.</summary>
public class ModelFileStoreTests
{
    [Fact]
    public async Task Uploaded_files_are_registered_as_a_version_whose_source_holds_them_byte_for_byte()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);
        var files = registry.Services.GetRequiredService<ModelFileStore>();
        var upload = Guid.NewGuid();
        var weights = Enumerable.Range(0, 300_000).Select(i => (byte)(i % 251)).ToArray();

        await files.SaveUploadAsync(owner.UserId, upload, "MLmodel", new MemoryStream("flavors: {}"u8.ToArray()), default);
        await files.SaveUploadAsync(owner.UserId, upload, "data/model.pkl", new MemoryStream(weights), default);
        var version = await registry.Services.GetRequiredService<UploadRegistration>().RegisterAsync(owner, name, upload);

        Assert.Equal(1, version.Version);
        Assert.StartsWith(ModelFileStore.RegistryUriPrefix, version.Source);
        var folder = RegisteredFolder(registry, version.Source);
        Assert.Equal(weights, await File.ReadAllBytesAsync(Path.Combine(folder, "data", "model.pkl")));
        Assert.Equal("flavors: {}", await File.ReadAllTextAsync(Path.Combine(folder, "MLmodel")));
        Assert.False(Directory.Exists(StagingRoot(registry)) && Directory.EnumerateFiles(StagingRoot(registry), "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task A_lone_zip_is_unpacked_into_the_version()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);
        var upload = Guid.NewGuid();
        var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using var entry = archive.CreateEntry("model/MLmodel").Open();
            await entry.WriteAsync("flavors: {}"u8.ToArray());
        }
        zip.Position = 0;

        await registry.Services.GetRequiredService<ModelFileStore>().SaveUploadAsync(owner.UserId, upload, "model.zip", zip, default);
        var version = await registry.Services.GetRequiredService<UploadRegistration>().RegisterAsync(owner, name, upload);

        var folder = RegisteredFolder(registry, version.Source);
        Assert.Equal(["model/MLmodel"], Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/')));
    }

    [Fact]
    public async Task A_zip_entry_that_escapes_the_folder_is_refused_and_nothing_is_registered()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);
        var upload = Guid.NewGuid();
        var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using var entry = archive.CreateEntry("../../evil.txt").Open();
            await entry.WriteAsync("x"u8.ToArray());
        }
        zip.Position = 0;
        await registry.Services.GetRequiredService<ModelFileStore>().SaveUploadAsync(owner.UserId, upload, "model.zip", zip, default);

        var error = await Assert.ThrowsAsync<RegistryError>(() => registry.Services.GetRequiredService<UploadRegistration>().RegisterAsync(owner, name, upload));

        Assert.Equal(ErrorKind.InvalidValue, error.Kind);
        Assert.Equal(0, (await registry.Versions.ListAsync(owner, name)).Total);
        Assert.Empty(Directory.EnumerateFiles(ArtifactRoot(registry), "evil.txt", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("../outside.bin")]
    [InlineData("a/../../outside.bin")]
    [InlineData("/etc/passwd")]
    [InlineData("..\\outside.bin")]
    public async Task Paths_that_leave_the_upload_folder_are_refused(string path)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var files = registry.Services.GetRequiredService<ModelFileStore>();

        var error = await Assert.ThrowsAsync<RegistryError>(() =>
            files.SaveUploadAsync("user-1", Guid.NewGuid(), path, new MemoryStream([1, 2, 3]), default));

        Assert.Equal(ErrorKind.InvalidValue, error.Kind);
        Assert.Contains("relative path", error.Message);
        Assert.Empty(Directory.Exists(ArtifactRoot(registry)) ? Directory.EnumerateFiles(ArtifactRoot(registry), "*", SearchOption.AllDirectories) : []);
    }

    [Fact]
    public async Task A_broken_upload_leaves_no_file_behind()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var files = registry.Services.GetRequiredService<ModelFileStore>();

        await Assert.ThrowsAsync<IOException>(() =>
            files.SaveUploadAsync("user-1", Guid.NewGuid(), "model.pkl", new BreaksAfter(1 << 20), default));

        Assert.Empty(Directory.EnumerateFiles(ArtifactRoot(registry), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_browser_upload_over_the_size_limit_is_refused_declared_or_streamed_and_leaves_no_file()
    {
        var root = Directory.CreateTempSubdirectory("registry-limit-").FullName;
        try
        {
            var settings = new ArtifactOptions { Root = root, MaxFileSizeMB = 1 };
            var files = new ModelFileStore(new FileSystemArtifactStore(settings.FullRoot, FileSizeLimit.From(settings)), FileSizeLimit.From(settings));
            var tooBig = new byte[1024 * 1024 + 1];

            var declared = await Assert.ThrowsAsync<RegistryError>(() =>
                files.SaveUploadAsync("user-1", Guid.NewGuid(), "model.pkl", new MemoryStream(tooBig), default, declaredLength: tooBig.Length));
            var streamed = await Assert.ThrowsAsync<RegistryError>(() =>
                files.SaveUploadAsync("user-1", Guid.NewGuid(), "weights.bin", new MemoryStream(tooBig), default));
            var exact = await files.SaveUploadAsync("user-1", Guid.NewGuid(), "ok.bin", new MemoryStream(new byte[1024 * 1024]), default);

            Assert.Equal(ErrorKind.InvalidValue, declared.Kind);
            Assert.Equal("'model.pkl' is larger than the largest file the portal accepts (1 MB). Split it, or ask an admin to raise Artifacts:MaxFileSizeMB.", declared.Message);
            Assert.StartsWith("'weights.bin' is larger than", streamed.Message);
            Assert.Equal(1024 * 1024, exact);
            Assert.Equal(["ok.bin"], Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task A_refused_registration_leaves_no_version_and_no_registered_files()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(0);
        var reader = await registry.UserAsync(Roles.Reader);
        var upload = Guid.NewGuid();
        await registry.Services.GetRequiredService<ModelFileStore>().SaveUploadAsync(reader.UserId, upload, "MLmodel", new MemoryStream([1]), default);

        var error = await Assert.ThrowsAsync<RegistryError>(() => registry.Services.GetRequiredService<UploadRegistration>().RegisterAsync(reader, name, upload));

        Assert.Equal(ErrorKind.PermissionDenied, error.Kind);
        var registered = Path.Combine(ArtifactRoot(registry), "registry");
        Assert.Empty(Directory.Exists(registered) ? Directory.EnumerateFileSystemEntries(registered) : []);
    }

    [Fact]
    public async Task A_cancelled_upload_is_discarded_and_cannot_be_registered()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);
        var upload = Guid.NewGuid();
        await registry.Services.GetRequiredService<ModelFileStore>().SaveUploadAsync(owner.UserId, upload, "MLmodel", new MemoryStream([1]), default);

        await registry.Services.GetRequiredService<UploadRegistration>().DiscardAsync(owner, upload);
        var error = await Assert.ThrowsAsync<RegistryError>(() => registry.Services.GetRequiredService<UploadRegistration>().RegisterAsync(owner, name, upload));

        Assert.Contains("No model files were uploaded", error.Message);
        Assert.Empty(Directory.EnumerateFiles(ArtifactRoot(registry), "*", SearchOption.AllDirectories));
    }

    private static string ArtifactRoot(TestRegistry registry) =>
        registry.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["Artifacts:Root"]!;

    private static string StagingRoot(TestRegistry registry) => Path.Combine(ArtifactRoot(registry), "uploads");

    private static string RegisteredFolder(TestRegistry registry, string source) =>
        Path.Combine(ArtifactRoot(registry), "registry", source[ModelFileStore.RegistryUriPrefix.Length..]);

    /// <summary>A request body whose connection drops after some bytes.</summary>
    private sealed class BreaksAfter(long bytes) : Stream
    {
        private long sent;
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (sent >= bytes) throw new IOException("The connection was reset.");
            var n = (int)Math.Min(count, bytes - sent);
            sent += n;
            return n;
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => sent; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
