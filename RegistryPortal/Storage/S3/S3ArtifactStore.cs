using System.IO.Pipelines;
using System.Net;
using System.Runtime.CompilerServices;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace RegistryPortal.Storage.S3;

/// <summary>
/// The <see cref="IArtifactStore"/> over an S3 bucket (AWS or an S3-compatible server), every key under the configured
/// prefix. Writes are multipart uploads completed only at the end, reads are ranged GETs, copies stay on the server.
/// </summary>
public sealed class S3ArtifactStore : IArtifactStore, IDisposable
{
    private const long Megabyte = 1024 * 1024;
    private const int PageSize = 1000; // S3's most keys per listing page and per DeleteObjects
    private const int ParallelCopies = 8;
    private readonly IAmazonS3 client;
    private readonly string bucket;
    private readonly ObjectNames names;
    private readonly int partBytes;
    private readonly FileSizeLimit limit;

    private S3ArtifactStore(IAmazonS3 client, string bucket, string prefix, int partBytes, FileSizeLimit limit)
    {
        this.client = client;
        this.bucket = bucket;
        names = ObjectNames.Under(prefix);
        this.partBytes = partBytes;
        this.limit = limit;
    }

    /// <summary>A store over the bucket <paramref name="options"/> name (already validated), for use with or without DI.</summary>
    public static S3ArtifactStore Create(S3Options options, FileSizeLimit limit) => Create(options, limit, httpClients: null);

    /// <summary>As <see cref="Create(S3Options, FileSizeLimit)"/>, with the SDK's HTTP clients made by <paramref name="httpClients"/> (tests count bytes with it).</summary>
    internal static S3ArtifactStore Create(S3Options options, FileSizeLimit limit, HttpClientFactory? httpClients) =>
        new(CreateClient(options, httpClients), options.Bucket!, ArtifactKey.Check(options.Prefix ?? "", rootAllowed: true),
            (int)(options.PartSizeMB * Megabyte), limit);

    /// <summary>An SDK client for the server and credentials <paramref name="options"/> name.</summary>
    public static AmazonS3Client CreateClient(S3Options options, HttpClientFactory? httpClients = null)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            // SDK v4 adds CRC checksums to every upload by default, which S3-compatible servers may refuse or store wrongly.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            // A CopyObject of up to 5 GB answers only when the copy is done, past HttpClient's default 100 s.
            Timeout = TimeSpan.FromMinutes(10),
        };
        if (httpClients is not null) config.HttpClientFactory = httpClients;
        if (string.IsNullOrEmpty(options.ServiceUrl)) config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        else
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = options.Region;
        }
        return string.IsNullOrEmpty(options.AccessKeyId)
            ? new AmazonS3Client(config) // the SDK's default credentials: environment, profile, instance role
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKeyId, options.SecretAccessKey), config);
    }

    public string Kind => "S3";

    /// <summary>Objects above this are copied in parts (UploadPartCopy): CopyObject takes at most 5 GB.</summary>
    internal long MultipartCopyAbove { get; set; } = 5L * 1024 * Megabyte;

    /// <summary>The size of one part of a multipart copy.</summary>
    internal long CopyPartBytes { get; set; } = 512 * Megabyte;

    public async Task<long> WriteAsync(string key, PipeReader content, long? declaredLength, CancellationToken ct)
    {
        var name = ArtifactKey.Check(key);
        limit.Check(declaredLength, name);
        var upload = new S3Upload(client, bucket, names.Of(name), partBytes);
        return await upload.RunAsync(content, declaredLength, total => limit.Check(total, name), ct);
    }

    public async Task<StoredFile?> GetAsync(string key, CancellationToken ct)
    {
        var name = ArtifactKey.Check(key);
        try
        {
            var head = await client.GetObjectMetadataAsync(bucket, names.Of(name), ct);
            return new StoredFile(name, head.ContentLength, Utc(head.LastModified));
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<Stream?> OpenReadAsync(string key, CancellationToken ct)
    {
        var file = await GetAsync(key, ct);
        return file is null ? null : new S3ReadStream(client, bucket, names.Of(file.Key), file.Size);
    }

    public async Task<IReadOnlyList<ArtifactEntry>> ListAsync(string folder, CancellationToken ct)
    {
        var prefix = FolderPrefix(folder);
        var entries = new List<ArtifactEntry>();
        await foreach (var page in PagesAsync(prefix, delimiter: "/", ct))
        {
            entries.AddRange(Files(page).Select(o => new ArtifactEntry(Name(o), false, o.Size ?? 0)));
            entries.AddRange((page.CommonPrefixes ?? []).Select(p => new ArtifactEntry(names.KeyOf(p).TrimEnd('/'), true, null)));
        }
        entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return entries;
    }

    public async IAsyncEnumerable<StoredFile> ListAllAsync(string folder, [EnumeratorCancellation] CancellationToken ct)
    {
        var prefix = FolderPrefix(folder);
        await foreach (var page in PagesAsync(prefix, delimiter: null, ct))
        {
            foreach (var o in Files(page)) yield return new StoredFile(Name(o), o.Size ?? 0, Utc(o.LastModified));
        }
    }

    public async Task CopyFolderAsync(string source, string target, CancellationToken ct)
    {
        var from = ArtifactKey.Check(source);
        var to = ArtifactKey.Check(target);
        await Parallel.ForEachAsync(ListAllAsync(from, ct), new ParallelOptions { MaxDegreeOfParallelism = ParallelCopies, CancellationToken = ct },
            async (file, token) => await CopyObjectAsync(names.Of(file.Key), names.Of(ArtifactKey.Join(to, ArtifactKey.RelativeTo(from, file.Key))), file.Size, token));
    }

    public async Task MoveFolderAsync(string source, string target, CancellationToken ct)
    {
        await CopyFolderAsync(source, target, ct);
        await DeleteFolderAsync(source, ct);
    }

    public async Task DeleteAsync(string key, CancellationToken ct) =>
        await client.DeleteObjectAsync(bucket, names.Of(ArtifactKey.Check(key)), ct);

    public async Task DeleteFolderAsync(string folder, CancellationToken ct)
    {
        var name = ArtifactKey.Check(folder);
        var batch = new List<KeyVersion>(PageSize);
        await foreach (var file in ListAllAsync(name, ct))
        {
            batch.Add(new KeyVersion { Key = names.Of(file.Key) });
            if (batch.Count == PageSize) await DeleteBatchAsync(batch, ct);
        }
        if (batch.Count > 0) await DeleteBatchAsync(batch, ct);
    }

    public async Task<int> RemoveUnfinishedWritesAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        var removed = 0;
        var request = new ListMultipartUploadsRequest { BucketName = bucket, Prefix = names.Root };
        while (true)
        {
            var page = await client.ListMultipartUploadsAsync(request, ct);
            foreach (var upload in page.MultipartUploads ?? [])
            {
                if (Utc(upload.Initiated) >= cutoff) continue;
                try
                {
                    await client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = upload.Key, UploadId = upload.UploadId }, ct);
                    removed++;
                }
                catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound) { /* finished or aborted meanwhile */ }
            }
            if (page.IsTruncated != true) return removed;
            request.KeyMarker = page.NextKeyMarker;
            request.UploadIdMarker = page.NextUploadIdMarker;
        }
    }

    /// <summary>
    /// Lists at most one key under the prefix: it needs the bucket to exist and the same permission (s3:ListBucket) the
    /// store needs anyway, which HeadBucket's and GetBucketLocation's permissions are not always granted with.
    /// </summary>
    public async Task CheckAsync(CancellationToken ct)
    {
        var where = $"'{bucket}' at {(client.Config.ServiceURL is { Length: > 0 } url ? url : $"AWS ({client.Config.RegionEndpoint?.SystemName})")}";
        try
        {
            await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = names.Root, MaxKeys = 1 }, ct);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket" || e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new InvalidOperationException(
                $"The S3 bucket {where} does not exist: create it, or set {S3Options.Section}:Bucket to an existing bucket.", e);
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
        {
            throw new InvalidOperationException(
                $"The S3 server refused the portal's credentials for bucket {where} ({e.ErrorCode}: {e.Message}): set " +
                $"{S3Options.Section}:AccessKeyId and SecretAccessKey to keys that may list, read and write the bucket, or grant the default credentials access.", e);
        }
        catch (Exception e) when (e is AmazonClientException or HttpRequestException && e is not AmazonS3Exception)
        {
            throw new InvalidOperationException(
                $"The S3 bucket {where} cannot be reached ({e.Message}): check {S3Options.Section}:ServiceUrl and Region, and that the server is running.", e);
        }
    }

    public void Dispose() => client.Dispose();

    // ---- helpers ----

    /// <summary>The object prefix of everything under <paramref name="folder"/> ("" is the store's root), ending in '/'.</summary>
    private string FolderPrefix(string folder) => names.FolderPrefix(ArtifactKey.Check(folder, rootAllowed: true));

    private async IAsyncEnumerable<ListObjectsV2Response> PagesAsync(string prefix, string? delimiter, [EnumeratorCancellation] CancellationToken ct)
    {
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, Delimiter = delimiter, MaxKeys = PageSize };
        while (true)
        {
            var page = await client.ListObjectsV2Async(request, ct);
            yield return page;
            if (page.IsTruncated != true) yield break;
            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    /// <summary>A page's files; a key ending in '/' is a folder marker some tools write, not a file.</summary>
    private static IEnumerable<S3Object> Files(ListObjectsV2Response page) => (page.S3Objects ?? []).Where(o => !o.Key.EndsWith('/'));

    private string Name(S3Object o) => names.KeyOf(o.Key);

    private static DateTimeOffset Utc(DateTime? time) => time switch
    {
        null => DateTimeOffset.MinValue,
        { Kind: DateTimeKind.Unspecified } t => new DateTimeOffset(t, TimeSpan.Zero),
        { } t => new DateTimeOffset(t.ToUniversalTime(), TimeSpan.Zero),
    };

    private async Task CopyObjectAsync(string sourceKey, string targetKey, long size, CancellationToken ct)
    {
        if (size <= MultipartCopyAbove)
        {
            await client.CopyObjectAsync(new CopyObjectRequest
            {
                SourceBucket = bucket, SourceKey = sourceKey, DestinationBucket = bucket, DestinationKey = targetKey,
            }, ct);
            return;
        }
        // At most 10,000 parts per upload.
        var partSize = Math.Max(CopyPartBytes, (size + 9_999) / 10_000);
        var uploadId = (await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = targetKey }, ct)).UploadId;
        try
        {
            var parts = new List<PartETag>();
            for (long first = 0; first < size; first += partSize)
            {
                var copied = await client.CopyPartAsync(new CopyPartRequest
                {
                    SourceBucket = bucket, SourceKey = sourceKey, DestinationBucket = bucket, DestinationKey = targetKey,
                    UploadId = uploadId, PartNumber = parts.Count + 1, FirstByte = first, LastByte = Math.Min(size, first + partSize) - 1,
                }, ct);
                parts.Add(new PartETag(parts.Count + 1, copied.ETag));
            }
            await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = bucket, Key = targetKey, UploadId = uploadId, PartETags = parts,
            }, ct);
        }
        catch
        {
            await client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = targetKey, UploadId = uploadId }, CancellationToken.None);
            throw;
        }
    }

    private async Task DeleteBatchAsync(List<KeyVersion> batch, CancellationToken ct)
    {
        var result = await client.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Objects = batch, Quiet = true }, ct);
        batch.Clear();
        if (result.DeleteErrors is { Count: > 0 } errors)
            throw new IOException($"S3 did not delete {errors.Count} object(s) in '{bucket}', e.g. '{errors[0].Key}': {errors[0].Code} {errors[0].Message}.");
    }
}
