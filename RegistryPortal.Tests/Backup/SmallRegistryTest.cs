using RegistryPortal.Domain;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Backup;

/// <summary>
/// A test class over a small registry (model "fraud" with one uploaded version of two files) and a scratch folder for
/// backups and restores, both removed afterwards.
/// </summary>
public abstract class SmallRegistryTest : IAsyncLifetime
{
    private readonly string scratch = TestRegistry.NewFolder();

    protected TestRegistry Source { get; private set; } = null!;

    /// <summary>A path inside the scratch folder (not created); no name: the scratch folder itself.</summary>
    protected string Scratch(string name = "") => Path.Combine(scratch, name);

    public virtual async ValueTask InitializeAsync()
    {
        Source = await TestRegistry.CreateAsync();
        var owner = await Source.UserAsync(Roles.Editor);
        await Source.Models.CreateAsync(owner, "fraud");
        await BackupScenario.UploadVersionAsync(Source, owner, "fraud", [1, 2, 3, 4]);
    }

    public async ValueTask DisposeAsync()
    {
        await Source.DisposeAsync();
        Directory.Delete(scratch, recursive: true);
    }
}
