using System.IO.Pipelines;
using Amazon.Runtime;
using Amazon.S3.Model;
using RegistryPortal.Storage;
using RegistryPortal.Storage.S3;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Storage.Stores;

/// <summary>What only the S3 store does: prefixes in a shared bucket, multipart uploads left behind, copies on the server, its check.</summary>
public sealed class S3StoreTests
{
    private const int Megabyte = 1024 * 1024;

    [Fact]
    public async Task Two_prefixes_in_one_bucket_do_not_see_each_other()
    {
        var server = await S3Server.SharedAsync();
        var bucket = await server.CreateBucketAsync();
        var a = Store(server.Options(bucket, prefix: "portal-a"));
        var b = Store(server.Options(bucket, prefix: "team/portal-b"));
        await WriteAsync(a, "model/MLmodel", "from a"u8.ToArray());
        await WriteAsync(b, "model/MLmodel", "from b"u8.ToArray());
        await WriteAsync(b, "only-b.txt", [1]);

        Assert.Equal(["model/MLmodel"], await KeysAsync(a, ""));
        Assert.Equal(["model", "only-b.txt"], (await b.ListAsync("", default)).Select(e => e.Path));
        Assert.Equal("from b"u8.ToArray(), await ReadAllAsync(b, "model/MLmodel"));
        Assert.Null(await a.GetAsync("only-b.txt", default));

        await a.DeleteFolderAsync("model", default);
        Assert.Empty(await KeysAsync(a, ""));
        Assert.Equal(["model/MLmodel", "only-b.txt"], await KeysAsync(b, ""));
        // The prefix is part of every object's key in the bucket.
        Assert.Equal(["team/portal-b/model/MLmodel", "team/portal-b/only-b.txt"], await KeysAsync(Store(server.Options(bucket)), ""));
    }

    [Fact]
    public async Task Unfinished_multipart_uploads_under_the_prefix_are_aborted_and_counted()
    {
        var server = await S3Server.SharedAsync();
        var bucket = await server.CreateBucketAsync();
        var store = Store(server.Options(bucket, prefix: "portal"));
        using var client = server.Client();
        var inside = await StartUploadAsync(client, bucket, "portal/uploads/u1/model.bin");
        var outside = await StartUploadAsync(client, bucket, "elsewhere/model.bin");
        await WriteAsync(store, "kept.bin", [1, 2, 3]);

        Assert.Equal(0, await store.RemoveUnfinishedWritesAsync(DateTimeOffset.UtcNow.AddHours(-1), default)); // both are newer
        Assert.Equal(1, await store.RemoveUnfinishedWritesAsync(DateTimeOffset.UtcNow.AddMinutes(1), default));

        Assert.Equal([outside], await UploadIdsAsync(client, bucket));
        Assert.DoesNotContain(inside, await UploadIdsAsync(client, bucket));
        Assert.Equal([1, 2, 3], await ReadAllAsync(store, "kept.bin"));
    }

    [Fact]
    public async Task A_write_that_breaks_after_parts_were_sent_aborts_its_upload()
    {
        var server = await S3Server.SharedAsync();
        var bucket = await server.CreateBucketAsync();
        var options = server.Options(bucket);
        options.PartSizeMB = 5;
        var store = Store(options);
        using var client = server.Client();

        var pipe = new Pipe();
        var write = store.WriteAsync("broken.bin", pipe.Reader, null, default);
        await pipe.Writer.WriteAsync(new byte[12 * Megabyte]); // two parts sent, the third filling
        await pipe.Writer.CompleteAsync(new IOException("The client went away."));
        await Assert.ThrowsAsync<IOException>(() => write);

        var limited = S3ArtifactStore.Create(options, new FileSizeLimit(11 * Megabyte));
        await Assert.ThrowsAsync<RegistryPortal.Domain.RegistryError>(() => WriteAsync(limited, "too-big.bin", new byte[12 * Megabyte]));

        Assert.Empty(await UploadIdsAsync(client, bucket));
        Assert.Empty(await KeysAsync(store, ""));
    }

    [Fact]
    public async Task Copying_a_folder_sends_no_file_bytes_through_the_portal()
    {
        var server = await S3Server.SharedAsync();
        var counting = new CountingHttpClients();
        var store = S3ArtifactStore.Create(server.Options(await server.CreateBucketAsync()), new FileSizeLimit(null), counting);
        var weights = Enumerable.Range(0, 6 * Megabyte).Select(i => (byte)(i % 251)).ToArray();
        await WriteAsync(store, "runs/r1/model/weights.bin", weights);
        Assert.True(counting.Bytes >= weights.Length, "The count sees an upload's bytes."); // so it would see a copy's

        counting.Bytes = 0;
        await store.CopyFolderAsync("runs/r1/model", "registry/v1", default);

        Assert.True(counting.Bytes < 64 * 1024, $"{counting.Bytes} bytes went through the portal for a server-side copy.");
        Assert.Equal(weights, await ReadAllAsync(store, "registry/v1/weights.bin"));
    }

    [Fact]
    public async Task A_file_over_the_copy_limit_is_copied_in_parts_on_the_server()
    {
        var server = await S3Server.SharedAsync();
        var counting = new CountingHttpClients();
        var store = S3ArtifactStore.Create(server.Options(await server.CreateBucketAsync()), new FileSizeLimit(null), counting);
        store.MultipartCopyAbove = 4 * Megabyte; // as a file over 5 GB is, scaled down
        store.CopyPartBytes = 5 * Megabyte;
        var weights = Enumerable.Range(0, 12 * Megabyte + 3).Select(i => (byte)(i * 7 % 253)).ToArray();
        await WriteAsync(store, "big/weights.bin", weights);

        counting.Bytes = 0;
        await store.CopyFolderAsync("big", "copy", default);

        Assert.True(counting.Bytes < 64 * 1024, $"{counting.Bytes} bytes went through the portal for a server-side copy.");
        Assert.Equal(3, counting.CopiedParts);
        Assert.Equal(weights, await ReadAllAsync(store, "copy/weights.bin"));
    }

    [Fact]
    public async Task The_check_says_which_bucket_is_missing_and_what_to_set()
    {
        var server = await S3Server.SharedAsync();
        var store = Store(server.Options("no-such-bucket-here"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.CheckAsync(default));

        Assert.Contains("'no-such-bucket-here'", error.Message);
        Assert.Contains("does not exist", error.Message);
        Assert.Contains("Artifacts:S3:Bucket", error.Message);
        await Store(server.Options(await server.CreateBucketAsync())).CheckAsync(default);
    }

    [Fact]
    public async Task The_check_says_when_the_server_cannot_be_reached()
    {
        var store = Store(new S3Options { Bucket = "artifacts", ServiceUrl = "http://127.0.0.1:9", ForcePathStyle = true, AccessKeyId = "k", SecretAccessKey = "s" });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.CheckAsync(default));

        Assert.Contains("cannot be reached", error.Message);
        Assert.Contains("Artifacts:S3:ServiceUrl", error.Message);
    }

    // ---- helpers ----

    private static S3ArtifactStore Store(S3Options options) => S3ArtifactStore.Create(options, new FileSizeLimit(null));

    private static async Task WriteAsync(IArtifactStore store, string key, byte[] bytes)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var write = store.WriteAsync(key, pipe.Reader, null, default);
        await pipe.Writer.WriteAsync(bytes);
        await pipe.Writer.CompleteAsync();
        await write;
    }

    private static async Task<byte[]> ReadAllAsync(IArtifactStore store, string key)
    {
        await using var stream = (await store.OpenReadAsync(key, default))!;
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static async Task<List<string>> KeysAsync(IArtifactStore store, string folder)
    {
        var keys = new List<string>();
        await foreach (var file in store.ListAllAsync(folder, default)) keys.Add(file.Key);
        return keys;
    }

    private static async Task<string> StartUploadAsync(Amazon.S3.IAmazonS3 client, string bucket, string key)
    {
        var upload = await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = key });
        await client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = key, UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(new byte[1000]), UseChunkEncoding = false,
        });
        return upload.UploadId;
    }

    private static async Task<List<string>> UploadIdsAsync(Amazon.S3.IAmazonS3 client, string bucket) =>
        ((await client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket })).MultipartUploads ?? [])
        .Select(u => u.UploadId).ToList();

    /// <summary>The SDK's HTTP clients, counting the body bytes sent and received and the UploadPartCopy calls.</summary>
    private sealed class CountingHttpClients : HttpClientFactory
    {
        public long Bytes;
        public int CopiedParts;

        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new Counting(this) { InnerHandler = new HttpClientHandler() });

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        private sealed class Counting(CountingHttpClients counts) : DelegatingHandler
        {
            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
            {
                Interlocked.Add(ref counts.Bytes, request.Content?.Headers.ContentLength ?? 0);
                if (request.Headers.Contains("x-amz-copy-source") && request.RequestUri!.Query.Contains("uploadId=", StringComparison.Ordinal))
                    Interlocked.Increment(ref counts.CopiedParts);
                var response = await base.SendAsync(request, ct);
                Interlocked.Add(ref counts.Bytes, response.Content.Headers.ContentLength ?? 0);
                return response;
            }
        }
    }
}
