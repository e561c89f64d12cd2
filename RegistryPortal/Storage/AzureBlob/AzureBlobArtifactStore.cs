using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace RegistryPortal.Storage.AzureBlob;

/// <summary>
/// The artifact store in an Azure Blob Storage container (Artifacts:Store = AzureBlob, settings in Artifacts:AzureBlob):
/// every key is a block blob named Prefix + "/" + key. Uploads stream in blocks and commit at the end
/// (<see cref="BlockUpload"/>), reads fetch ranges from where the reader is, and folder copies run inside the service
/// (Copy Blob), so no byte of a registry copy passes through the portal.
/// </summary>
public sealed class AzureBlobArtifactStore : IArtifactStore
{
    /// <summary>Copies or deletes sent at once when a whole folder is copied or deleted.</summary>
    private const int ParallelRequests = 16;
    private const int ReadRangeBytes = 8 << 20; // per open download: the memory it buffers
    private static readonly TimeSpan CopyPollInterval = TimeSpan.FromMilliseconds(500);

    private readonly BlobContainerClient container;
    private readonly ObjectNames names;
    private readonly FileSizeLimit limit;
    private readonly long blockBytes;
    private readonly int maxConcurrency;
    private readonly StoreProblems problems;

    private AzureBlobArtifactStore(BlobContainerClient container, AzureBlobOptions options, FileSizeLimit limit)
    {
        this.container = container;
        names = ObjectNames.Under(options.Folder);
        this.limit = limit;
        blockBytes = options.BlockSizeMB * 1024L * 1024;
        maxConcurrency = options.MaxConcurrency;
        problems = new StoreProblems(container, options);
    }

    public string Kind => "AzureBlob";

    /// <summary>The store that <paramref name="options"/> describe (checked first: wrong settings throw <see cref="InvalidSettingsException"/>), without DI.</summary>
    public static AzureBlobArtifactStore Create(AzureBlobOptions options, FileSizeLimit limit) => Create(options, limit, new BlobClientOptions());

    /// <summary>As <see cref="Create(AzureBlobOptions, FileSizeLimit)"/>, with the client's own options (tests add pipeline policies).</summary>
    internal static AzureBlobArtifactStore Create(AzureBlobOptions options, FileSizeLimit limit, BlobClientOptions clientOptions)
    {
        var settings = new ValidateAzureBlobOptions().Validate(null, options);
        if (settings.Failed) throw new InvalidSettingsException(settings.Failures);
        var service = !string.IsNullOrWhiteSpace(options.ConnectionString) ? new BlobServiceClient(options.ConnectionString, clientOptions)
            : options.AccountUrlHasSas ? new BlobServiceClient(new Uri(options.AccountUrl!), clientOptions)
            : new BlobServiceClient(new Uri(options.AccountUrl!), new DefaultAzureCredential(), clientOptions);
        return new AzureBlobArtifactStore(service.GetBlobContainerClient(options.Container), options, limit);
    }

    public async Task<long> WriteAsync(string key, PipeReader content, long? declaredLength, CancellationToken ct)
    {
        var checkedKey = ArtifactKey.Check(key);
        limit.Check(declaredLength, checkedKey);
        var upload = new BlockUpload(container.GetBlockBlobClient(names.Of(checkedKey)), checkedKey, limit, blockBytes, maxConcurrency);
        return await upload.RunAsync(content, ct);
    }

    public async Task<StoredFile?> GetAsync(string key, CancellationToken ct)
    {
        var checkedKey = ArtifactKey.Check(key);
        try
        {
            var properties = (await container.GetBlobClient(names.Of(checkedKey)).GetPropertiesAsync(cancellationToken: ct)).Value;
            return IsFolderMarker(properties.Metadata) ? null : new StoredFile(checkedKey, properties.ContentLength, properties.LastModified);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task<Stream?> OpenReadAsync(string key, CancellationToken ct)
    {
        var blob = container.GetBlobClient(names.Of(ArtifactKey.Check(key)));
        try
        {
            // The SDK's stream seeks: each read past its buffer is a ranged GET from the current position. Pinned to the
            // version opened, so a file replaced mid-read fails rather than mixing two versions. Ranges above 4 MB spare
            // Azurite the MD5 it computes of each smaller range (reading it twice), and halve the requests to Azure.
            return await blob.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false) { BufferSize = ReadRangeBytes }, ct);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<ArtifactEntry>> ListAsync(string folder, CancellationToken ct)
    {
        var options = new GetBlobsByHierarchyOptions { Traits = BlobTraits.Metadata, Delimiter = "/", Prefix = names.FolderPrefix(ArtifactKey.Check(folder, rootAllowed: true)) };
        var entries = new List<ArtifactEntry>();
        await foreach (var item in container.GetBlobsByHierarchyAsync(options, ct))
        {
            if (item.IsPrefix) entries.Add(new ArtifactEntry(names.KeyOf(item.Prefix.TrimEnd('/')), true, null));
            else if (!IsFolderMarker(item.Blob.Metadata)) entries.Add(new ArtifactEntry(names.KeyOf(item.Blob.Name), false, item.Blob.Properties.ContentLength));
        }
        return entries.OrderBy(e => e.Path, StringComparer.Ordinal).ToList();
    }

    public IAsyncEnumerable<StoredFile> ListAllAsync(string folder, CancellationToken ct) =>
        ListAllUnder(names.FolderPrefix(ArtifactKey.Check(folder, rootAllowed: true)), ct);

    public async Task CopyFolderAsync(string source, string target, CancellationToken ct)
    {
        var from = ArtifactKey.Check(source);
        var to = ArtifactKey.Check(target);
        // Listed in full before the first copy, so a target inside the source never lists its own copies.
        var files = new List<string>();
        await foreach (var file in ListAllUnder(names.FolderPrefix(from), ct)) files.Add(file.Key);
        await Parallel.ForEachAsync(files, Bounded(ct),
            (key, token) => new ValueTask(CopyAsync(key, ArtifactKey.Join(to, ArtifactKey.RelativeTo(from, key)), token)));
    }

    /// <summary>Copy then delete: an object store has no rename. Files already at the target are replaced, so a move that was cut short can be run again.</summary>
    public async Task MoveFolderAsync(string source, string target, CancellationToken ct)
    {
        await CopyFolderAsync(source, target, ct);
        await DeleteFolderAsync(source, ct);
    }

    public async Task DeleteAsync(string key, CancellationToken ct) =>
        await container.GetBlobClient(names.Of(ArtifactKey.Check(key))).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: ct);

    public async Task DeleteFolderAsync(string folder, CancellationToken ct) =>
        await Parallel.ForEachAsync(ListAllUnder(names.FolderPrefix(ArtifactKey.Check(folder)), ct), Bounded(ct), async (file, token) =>
            await container.GetBlobClient(names.Of(file.Key)).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: token));

    /// <summary>
    /// Nothing to do: a write that stopped midway left only uncommitted blocks, which no listing shows and Azure
    /// discards by itself a week after they were staged.
    /// </summary>
    public Task<int> RemoveUnfinishedWritesAsync(DateTimeOffset cutoff, CancellationToken ct) => Task.FromResult(0);

    public async Task CheckAsync(CancellationToken ct)
    {
        try
        {
            await container.GetPropertiesAsync(cancellationToken: ct);
        }
        catch (Exception e) when (problems.Explain(e) is { } explained)
        {
            throw explained;
        }
    }

    private async IAsyncEnumerable<StoredFile> ListAllUnder(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata, Prefix = prefix }, ct))
        {
            if (IsFolderMarker(blob.Metadata)) continue;
            yield return new StoredFile(names.KeyOf(blob.Name), blob.Properties.ContentLength ?? 0, blob.Properties.LastModified ?? DateTimeOffset.MinValue);
        }
    }

    /// <summary>Copy Blob inside the account, waited on until the service reports it complete.</summary>
    private async Task CopyAsync(string sourceKey, string targetKey, CancellationToken ct)
    {
        var target = container.GetBlobClient(names.Of(targetKey));
        var copy = await target.StartCopyFromUriAsync(container.GetBlobClient(names.Of(sourceKey)).Uri, new BlobCopyFromUriOptions(), ct);
        var status = copy.GetRawResponse().Headers.TryGetValue("x-ms-copy-status", out var started) ? started : "pending";
        string? description = null;
        while (string.Equals(status, "pending", StringComparison.OrdinalIgnoreCase))
        {
            await Task.Delay(CopyPollInterval, ct);
            var properties = (await target.GetPropertiesAsync(cancellationToken: ct)).Value;
            if (properties.CopyId != copy.Id) throw new IOException($"Copying '{sourceKey}' to '{targetKey}' was overtaken by another write to '{targetKey}'.");
            status = properties.CopyStatus.ToString();
            description = properties.CopyStatusDescription;
        }
        if (!string.Equals(status, "success", StringComparison.OrdinalIgnoreCase))
            throw new IOException($"Copying '{sourceKey}' to '{targetKey}' inside the storage account ended '{status}': {description}");
    }

    private static ParallelOptions Bounded(CancellationToken ct) => new() { MaxDegreeOfParallelism = ParallelRequests, CancellationToken = ct };

    /// <summary>An account with a hierarchical namespace (Data Lake) shows each folder as an empty blob marked so.</summary>
    private static bool IsFolderMarker(IDictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue("hdi_isfolder", out var value) && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
}
