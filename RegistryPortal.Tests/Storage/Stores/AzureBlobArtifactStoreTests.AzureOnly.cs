using System.IO.Pipelines;
using System.Web;
using Azure.Core;
using Azure.Storage;
using Azure.Storage.Sas;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using RegistryPortal.Storage;
using RegistryPortal.Storage.AzureBlob;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Storage.Stores;

/// <summary>What only the Azure Blob store promises, against Azurite: prefixes, server-side copies, blocks, its check's messages.</summary>
public sealed partial class AzureBlobArtifactStoreTests
{
    private const int MB = 1024 * 1024;

    [Fact]
    public async Task Two_prefixes_in_one_container_do_not_see_each_other()
    {
        var (teamA, container, azurite) = await AzureBlobStores.NewAsync(prefix: "team-a");
        var (teamB, _, _) = await AzureBlobStores.NewAsync(container, prefix: "team-b/portal");
        await WriteAsync(teamA, "run/model.bin", "from a"u8.ToArray());
        await WriteAsync(teamB, "run/model.bin", "from b"u8.ToArray());
        await WriteAsync(teamB, "run/only-b.txt", "b"u8.ToArray());

        Assert.Equal("from a"u8.ToArray(), await ReadAllAsync(teamA, "run/model.bin"));
        Assert.Equal(["run/model.bin"], (await teamA.ListAsync("run", default)).Select(e => e.Path));
        Assert.Null(await teamA.GetAsync("run/only-b.txt", default));
        await teamA.DeleteFolderAsync("run", default);

        Assert.Empty(await KeysAsync(teamA, ""));
        Assert.Equal(["run/model.bin", "run/only-b.txt"], await KeysAsync(teamB, ""));
        Assert.Equal(["team-b/portal/run/model.bin", "team-b/portal/run/only-b.txt"], await BlobNames(azurite.Container(container)));
    }

    [Fact]
    public async Task A_folder_copy_moves_no_file_bytes_through_the_portal()
    {
        var traffic = new Traffic();
        var (store, _, _) = await AzureBlobStores.NewAsync(client: traffic.Options());
        await WriteAsync(store, "runs/r1/model/weights.bin", new byte[20 * MB]);
        await WriteAsync(store, "runs/r1/model/MLmodel", "flavors: {}"u8.ToArray());
        var written = traffic.Reset();

        await store.CopyFolderAsync("runs/r1/model", "registry/v1", default);
        var copied = traffic.Reset();

        Assert.True(written >= 20 * MB, $"The upload moved {written} bytes: the counter should see every byte of it.");
        Assert.True(copied < MB, $"The copy moved {copied} bytes through the portal; a server-side copy moves none of the file.");
        Assert.Equal(20 * MB, (await store.GetAsync("registry/v1/weights.bin", default))!.Size);
        Assert.Equal("flavors: {}"u8.ToArray(), await ReadAllAsync(store, "registry/v1/MLmodel"));
    }

    [Fact]
    public async Task Reading_after_a_seek_fetches_only_from_there_on()
    {
        var traffic = new Traffic();
        var (store, _, _) = await AzureBlobStores.NewAsync(client: traffic.Options());
        var bytes = Bytes(20 * MB);
        await WriteAsync(store, "big.bin", bytes);
        traffic.Reset();

        await using (var stream = (await store.OpenReadAsync("big.bin", default))!)
        {
            stream.Seek(19 * MB, SeekOrigin.Begin);
            var part = new byte[1000];
            await stream.ReadExactlyAsync(part);
            Assert.Equal(bytes.AsSpan(19 * MB, 1000).ToArray(), part);
        }

        var read = traffic.Reset();
        Assert.True(read < 6 * MB, $"Reading 1000 bytes near the end of 20 MB fetched {read} bytes: a seek should start the ranges there.");
    }

    [Fact]
    public async Task An_upload_stages_blocks_at_most_MaxConcurrency_at_a_time_and_commits_them_as_one_blob()
    {
        var traffic = new Traffic();
        var (store, container, azurite) = await AzureBlobStores.NewAsync(
            settings: o => { o.BlockSizeMB = 1; o.MaxConcurrency = 2; }, client: traffic.Options());
        var bytes = Bytes(8 * MB + 5);

        // All of it is ready at once, so only the limit keeps more blocks from going out together.
        Assert.Equal(bytes.Length, await WriteAsync(store, "model/weights.bin", bytes, chunk: bytes.Length));

        Assert.Equal(9, traffic.StagedBlocks);
        Assert.InRange(traffic.MostBlocksAtOnce, 1, 2);
        var blocks = await azurite.Container(container).GetBlockBlobClient($"{AzureBlobStores.Prefix}/model/weights.bin").GetBlockListAsync();
        Assert.Equal(9, blocks.Value.CommittedBlocks.Count());
        Assert.Equal(bytes, await ReadAllAsync(store, "model/weights.bin"));
    }

    [Fact]
    public async Task A_broken_write_leaves_only_uncommitted_blocks_that_nothing_lists()
    {
        var (store, container, azurite) = await AzureBlobStores.NewAsync(settings: o => { o.BlockSizeMB = 1; o.MaxConcurrency = 1; });
        await WriteAsync(store, "keep/old.bin", "old"u8.ToArray());

        var pipe = new Pipe();
        var write = store.WriteAsync("keep/new.bin", pipe.Reader, null, default);
        await pipe.Writer.WriteAsync(new byte[3 * MB + 100]);
        await pipe.Writer.CompleteAsync(new IOException("The client went away."));
        await Assert.ThrowsAsync<IOException>(() => write);

        // The blocks did reach the service (so the test could fail), yet the store shows nothing of them.
        var raw = azurite.Container(container);
        var uncommitted = await raw.GetBlockBlobClient($"{AzureBlobStores.Prefix}/keep/new.bin").GetBlockListAsync(BlockListTypes.Uncommitted);
        Assert.True(uncommitted.Value.UncommittedBlocks.Count() >= 2);
        Assert.Null(await store.GetAsync("keep/new.bin", default));
        Assert.Null(await store.OpenReadAsync("keep/new.bin", default));
        Assert.Equal(["keep/old.bin"], (await store.ListAsync("keep", default)).Select(e => e.Path));
        Assert.Equal(["keep/old.bin"], await KeysAsync(store, ""));
        Assert.Equal(0, await store.RemoveUnfinishedWritesAsync(DateTimeOffset.UtcNow, default));
    }

    [Fact]
    public async Task The_check_of_a_missing_container_says_to_create_it()
    {
        var (store, _, _) = await AzureBlobStores.NewAsync(container: "no-such-container");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.CheckAsync(default));

        Assert.Contains("Container 'no-such-container' does not exist in storage account 'devstoreaccount1'", error.Message);
        Assert.Contains("az storage container create --account-name devstoreaccount1 --name no-such-container", error.Message);
        Assert.Contains("Artifacts:AzureBlob:Container", error.Message);
    }

    [Fact]
    public async Task The_check_with_a_wrong_account_key_names_the_connection_string()
    {
        var azurite = await Azurite.SharedAsync();
        var wrongKey = azurite.ConnectionString.Replace(Azurite.AccountKey, Convert.ToBase64String(new byte[64]));
        var (store, _, _) = await AzureBlobStores.NewAsync(settings: o => o.ConnectionString = wrongKey);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.CheckAsync(default));

        Assert.Contains("refused the portal's credentials", error.Message);
        Assert.Contains("check Artifacts:AzureBlob:ConnectionString", error.Message);
        Assert.DoesNotContain(Convert.ToBase64String(new byte[64]), error.Message);
    }

    [Fact]
    public async Task An_account_url_with_a_sas_token_is_enough_to_write_copy_and_read()
    {
        var azurite = await Azurite.SharedAsync();
        var sas = new BlobServiceClient(azurite.ConnectionString)
            .GenerateAccountSasUri(AccountSasPermissions.All, DateTimeOffset.UtcNow.AddHours(1), AccountSasResourceTypes.All).ToString();
        var (store, _, _) = await AzureBlobStores.NewAsync(settings: o => (o.ConnectionString, o.AccountUrl) = (null, sas));

        await store.CheckAsync(default);
        await WriteAsync(store, "runs/r1/model/MLmodel", Bytes(100));
        await store.CopyFolderAsync("runs/r1", "registry/v1", default);

        Assert.Equal(Bytes(100), await ReadAllAsync(store, "registry/v1/model/MLmodel"));
    }

    [Fact]
    public async Task The_check_with_a_refused_sas_token_names_the_account_url()
    {
        var azurite = await Azurite.SharedAsync();
        var forged = new BlobServiceClient(new Uri(azurite.BlobEndpoint), new StorageSharedKeyCredential(Azurite.AccountName, Convert.ToBase64String(new byte[64])))
            .GenerateAccountSasUri(AccountSasPermissions.All, DateTimeOffset.UtcNow.AddHours(1), AccountSasResourceTypes.All).ToString();
        var (store, _, _) = await AzureBlobStores.NewAsync(settings: o => (o.ConnectionString, o.AccountUrl) = (null, forged));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.CheckAsync(default));

        Assert.Contains("check the SAS token in Artifacts:AzureBlob:AccountUrl", error.Message);
        Assert.DoesNotContain("sig=", error.Message);
    }

    private static async Task<List<string>> BlobNames(BlobContainerClient container)
    {
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync()) names.Add(blob.Name);
        return names;
    }

    /// <summary>
    /// Counts what passes through the client: request and response bodies (by their lengths; a HEAD has none), and the Put Block
    /// requests of uploads, how many of them were on their way at once at most.
    /// </summary>
    private sealed class Traffic : HttpPipelinePolicy
    {
        private long bytes;
        private int blocksNow;
        private int staged;
        private int mostAtOnce;

        public int StagedBlocks => staged;
        public int MostBlocksAtOnce => mostAtOnce;

        public BlobClientOptions Options()
        {
            var options = new BlobClientOptions();
            options.AddPolicy(this, HttpPipelinePosition.PerRetry);
            return options;
        }

        /// <summary>The body bytes counted since the last reset.</summary>
        public long Reset() => Interlocked.Exchange(ref bytes, 0);

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var block = HttpUtility.ParseQueryString(message.Request.Uri.Query)["comp"] == "block";
            if (block)
            {
                Interlocked.Increment(ref staged);
                var now = Interlocked.Increment(ref blocksNow);
                int most;
                while (now > (most = mostAtOnce) && Interlocked.CompareExchange(ref mostAtOnce, now, most) != most) { }
            }
            if (message.Request.Content?.TryComputeLength(out var sent) == true) Interlocked.Add(ref bytes, sent);
            try { await ProcessNextAsync(message, pipeline); }
            finally { if (block) Interlocked.Decrement(ref blocksNow); }
            // A HEAD's Content-Length is the blob's size, not a body.
            if (message.Request.Method != RequestMethod.Head) Interlocked.Add(ref bytes, message.Response.Headers.ContentLengthLong ?? 0);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();
    }
}
