using RegistryPortal.Security;
using RegistryPortal.Storage;

namespace RegistryPortal.Registry;

/// <summary>Registers a version from files uploaded in the browser: the files move into the registry, then the version is recorded.</summary>
public sealed class UploadRegistration(ModelFileStore files, VersionService versions)
{
    public async Task<VersionView> RegisterAsync(Actor actor, string modelName, Guid uploadId, string? description = null, CancellationToken ct = default)
    {
        var source = files.PromoteUpload(actor.UserId, uploadId);
        try
        {
            return await versions.RegisterAsync(actor, new NewVersion(modelName, source, Description: description, StorageLocation: source), ct);
        }
        catch
        {
            files.DeleteRegistered(source); // a refused registration leaves no stray files
            throw;
        }
    }

    public void Discard(Actor actor, Guid uploadId) => files.DiscardUpload(actor.UserId, uploadId);
}
