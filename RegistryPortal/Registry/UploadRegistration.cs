using RegistryPortal.Security;
using RegistryPortal.Storage;

namespace RegistryPortal.Registry;

/// <summary>Registers a version from files uploaded in the browser: the files move into the registry, then the version is recorded.</summary>
public sealed class UploadRegistration(ModelFileStore files, VersionService versions)
{
    public async Task<VersionView> RegisterAsync(Actor actor, string modelName, Guid uploadId, string? description = null, CancellationToken ct = default)
    {
        var source = await files.PromoteUploadAsync(actor.UserId, uploadId, ct);
        try
        {
            return await versions.RegisterAsync(actor, new NewVersion(modelName, source, Description: description, StorageLocation: source), ct);
        }
        catch
        {
            await files.DeleteRegisteredAsync(source); // a refused registration leaves no stray files
            throw;
        }
    }

    public Task DiscardAsync(Actor actor, Guid uploadId, CancellationToken ct = default) => files.DiscardUploadAsync(actor.UserId, uploadId, ct);
}
