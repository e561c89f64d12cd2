using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using RegistryPortal.Storage;
using RegistryPortal.Tests.TestSupport;
using RegistryPortal.Tracking;

namespace RegistryPortal.Tests.Registry;

/// <summary>A deleted version's or model's files go from the store after the database change commits, and only then.</summary>
public class RegistryCopiesTests
{
    /// <summary>A version registered from a browser upload (MLmodel and data/model.pkl); returns its location.</summary>
    private static async Task<string> UploadVersionAsync(TestRegistry registry, Actor owner, string model, byte[] weights)
    {
        var files = registry.Services.GetRequiredService<ModelFileStore>();
        var upload = Guid.NewGuid();
        await files.SaveUploadAsync(owner.UserId, upload, "MLmodel", new MemoryStream("flavors: {}\n"u8.ToArray()), default);
        await files.SaveUploadAsync(owner.UserId, upload, "data/model.pkl", new MemoryStream(weights), default);
        return (await registry.Services.GetRequiredService<UploadRegistration>().RegisterAsync(owner, model, upload)).DownloadUri;
    }

    private static string FolderOf(TestRegistry registry, string location) =>
        registry.Services.GetRequiredService<ArtifactStore>().PhysicalPath(ArtifactStore.PathOf(location)!);

    [Fact]
    public async Task Deleting_a_version_removes_its_copy_after_the_commit()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var owner = await registry.UserAsync(Roles.Editor);
        await registry.Models.CreateAsync(owner, "fraud");
        var first = FolderOf(registry, await UploadVersionAsync(registry, owner, "fraud", [1, 2]));
        var second = FolderOf(registry, await UploadVersionAsync(registry, owner, "fraud", [3, 4]));

        await registry.Versions.DeleteAsync(owner, "fraud", 1);

        Assert.False(Directory.Exists(first));
        Assert.True(File.Exists(Path.Combine(second, "data", "model.pkl")));
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Versions.GetAsync(owner, "fraud", 1), "");
    }

    [Fact]
    public async Task A_delete_the_database_refuses_leaves_the_files()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.UserAsync(Roles.Admin);
        await registry.Models.CreateAsync(admin, "fraud");
        var folder = FolderOf(registry, await UploadVersionAsync(registry, admin, "fraud", [1, 2]));
        await registry.Stages.TransitionAsync(admin, "fraud", 1, "Production");

        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Versions.DeleteAsync(admin, "fraud", 1), "move it to None or Archived");
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Models.DeleteAsync(admin, "fraud"), "move them to None or Archived");

        Assert.True(File.Exists(Path.Combine(folder, "data", "model.pkl")));
    }

    [Fact]
    public async Task A_copy_two_versions_share_stays_until_the_last_of_them_is_deleted()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var owner = await registry.UserAsync(Roles.Editor);
        await registry.Models.CreateAsync(owner, "fraud");
        var location = await UploadVersionAsync(registry, owner, "fraud", [1, 2]);
        // Registered again from the first version's own copy: the second version points at the same folder.
        await registry.Services.GetRequiredService<ModelRegistration>().RegisterAsync(owner, new NewVersion("fraud", location));
        var folder = FolderOf(registry, location);

        await registry.Versions.DeleteAsync(owner, "fraud", 1);
        Assert.True(File.Exists(Path.Combine(folder, "data", "model.pkl")));

        await registry.Versions.DeleteAsync(owner, "fraud", 2);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task Deleting_a_model_removes_every_version_copy_after_the_commit_and_leaves_other_models_files()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.UserAsync(Roles.Admin);
        await registry.Models.CreateAsync(admin, "fraud");
        await registry.Models.CreateAsync(admin, "churn");
        var folders = new[]
        {
            FolderOf(registry, await UploadVersionAsync(registry, admin, "fraud", [1])),
            FolderOf(registry, await UploadVersionAsync(registry, admin, "fraud", [2])),
        };
        var other = FolderOf(registry, await UploadVersionAsync(registry, admin, "churn", [3]));

        await registry.Models.DeleteAsync(admin, "fraud");

        Assert.All(folders, folder => Assert.False(Directory.Exists(folder), folder));
        Assert.True(Directory.Exists(other));
    }
}
