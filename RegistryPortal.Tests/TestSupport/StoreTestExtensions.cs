using RegistryPortal.Storage;
using RegistryPortal.Storage.FileSystem;

namespace RegistryPortal.Tests.TestSupport;

/// <summary>
/// The file-system store's files as paths, for tests that look at (or damage) what lies on disk: the portal itself
/// reaches them only through <see cref="IArtifactStore"/>.
/// </summary>
public static class StoreTestExtensions
{
    extension(ArtifactStore store)
    {
        private FileSystemArtifactStore Local => store.Files as FileSystemArtifactStore
            ?? throw new InvalidOperationException($"These tests look at files on disk; the store is {store.Files.Kind}.");

        /// <summary>The folder every key is relative to.</summary>
        public string Root => store.Local.Root;

        /// <summary>The path on disk of an artifact path, whether or not anything is there.</summary>
        public string PhysicalPath(string artifactPath) => store.Local.LocalPath(artifactPath);

        /// <summary>The path on disk of an artifact file, or null when there is none.</summary>
        public string? FileOrNull(string artifactPath) => store.Local.LocalFile(artifactPath);
    }
}
