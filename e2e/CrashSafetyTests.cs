using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using RegistryPortal.Registry;
using RegistryPortal.Storage;
using RegistryPortal.Storage.FileSystem;
using static Microsoft.Playwright.Assertions;

namespace RegistryPortal.E2E;

/// <summary>
/// kill -9 of the real portal process in the middle of writing, then a restart on the same data folder: nothing is left
/// half-done (no partial file visible, no version READY without its files, no copy pending for ever, no staging left).
/// Each test checks after the kill that it really hit the middle (the temporary files are there), then the invariants.
/// </summary>
[Collection(CrashCollection.Name)]
public sealed class CrashSafetyTests(CrashFixture browser) : IAsyncLifetime
{
    private const string Artifacts = "/api/2.0/mlflow-artifacts/artifacts/";
    private static readonly (string, string)[] NoWait = [("Registry:RegistrationWaitSeconds", "0")];

    private readonly string data = Directory.CreateTempSubdirectory("registryportal-crash-").FullName;
    private readonly string files = Directory.CreateTempSubdirectory("registryportal-crash-files-").FullName;
    private readonly List<PortalProcess> portals = [];

    [Fact]
    public async Task A_browser_upload_killed_mid_file_leaves_no_version_and_no_staging_after_restart()
    {
        var portal = await StartAsync();
        var name = await CreateModelAsync(portal);
        var big = SparseFile("weights.bin", 1L << 30);
        var page = await browser.NewPageAsync(portal.BaseUrl);
        await page.SignInAsync(PortalProcess.AdminUser, $"/models/{name}");

        await page.Button("Register Model").ClickAsync();
        await page.OpenDialog().GetByLabel("Choose files", new() { Exact = true }).SetInputFilesAsync(big);
        await Expect(page.OpenDialog().GetByTestId("chosen-summary")).ToHaveTextAsync("1 file, 1 GB");
        await page.OpenDialog().Button("Register").ClickAsync(); // the upload starts
        await Expect(page.OpenDialog().GetByTestId("upload-progress")).ToContainTextAsync("of 1 GB sent");
        var partial = await WaitForAsync(() => PartialFiles(Path.Combine(portal.ArtifactsFolder, "uploads")).FirstOrDefault(f => new FileInfo(f).Length > 0));
        portal.Kill();

        Assert.True(File.Exists(partial), "The kill came after the upload finished: nothing was in the middle.");
        var restarted = await RestartAsync(portal);
        await restarted.WaitForRecoveryAsync();

        var uploads = Path.Combine(portal.ArtifactsFolder, "uploads");
        Assert.Empty(Directory.Exists(uploads) ? Directory.GetDirectories(uploads).SelectMany(Directory.GetDirectories) : []); // uploads/<user>/<upload>
        var after = await browser.NewPageAsync(restarted.BaseUrl);
        await after.SignInAsync(PortalProcess.AdminUser, $"/models/{name}");
        await Expect(after.VersionsTable()).ToContainTextAsync("No versions yet.");
    }

    [Fact]
    public async Task An_artifact_put_killed_mid_body_leaves_no_file_visible_and_no_temporary_file_after_restart()
    {
        var portal = await StartAsync();
        var runFolder = await CreateRunAsync(portal);
        using (var api = portal.Admin())
            Assert.True((await api.PutAsync(Artifacts + runFolder + "/model/MLmodel", new ByteArrayContent("flavors: {}"u8.ToArray()))).IsSuccessStatusCode);
        using var slowApi = portal.Admin();
        var body = new StreamContent(new SlowStream(length: 100 << 20, sendBeforeStalling: 8 << 20));
        body.Headers.ContentLength = 100 << 20;
        using var stop = new CancellationTokenSource();
        var put = slowApi.PutAsync(Artifacts + runFolder + "/model/weights.bin", body, stop.Token);

        var partial = await WaitForAsync(() => PartialFiles(portal.ArtifactsFolder).FirstOrDefault(f => new FileInfo(f).Length >= 4 << 20));
        portal.Kill();
        await stop.CancelAsync(); // the client, still sending, would notice only when it writes again
        // Cancelled by us, or reset by the killed server first when its next write came sooner: the PUT never succeeds.
        var failure = await Record.ExceptionAsync(() => put);
        Assert.True(failure is OperationCanceledException or HttpRequestException, $"The PUT to a killed portal ended with {failure?.ToString() ?? "success"}.");

        Assert.True(File.Exists(partial));
        var restarted = await RestartAsync(portal);
        await restarted.WaitForRecoveryAsync();

        Assert.Empty(PartialFiles(portal.ArtifactsFolder));
        using var after = restarted.Admin();
        Assert.Equal(HttpStatusCode.NotFound, (await after.GetAsync(Artifacts + runFolder + "/model/weights.bin")).StatusCode);
        var listed = await after.GetFromJsonAsync<JsonNode>($"{Artifacts}?path={runFolder}/model");
        Assert.Equal(["MLmodel"], listed!["files"]!.AsArray().Select(f => (string)f!["path"]!));
    }

    /// <summary>
    /// Each run's weights, sparse: big enough that the first copy is still going when the second begins. At 512 MB the
    /// first one ended before the second began now and then on a busy machine (a CI run waited 30 s for both half-way).
    /// </summary>
    private const long WeightsBytes = 2L << 30;

    [Fact]
    public async Task Registration_copies_killed_midway_are_copied_again_or_failed_with_a_message_after_restart()
    {
        var portal = await StartAsync(NoWait);
        var name = await CreateModelAsync(portal);
        var kept = await CreateRunAsync(portal);
        var removed = await CreateRunAsync(portal);
        foreach (var run in new[] { kept, removed })
        {
            using var api = portal.Admin();
            Assert.True((await api.PutAsync(Artifacts + run + "/model/MLmodel", new ByteArrayContent("flavors: {}"u8.ToArray()))).IsSuccessStatusCode);
            // Written straight into the store (as a shared folder would be): big, so the copy takes a while.
            using var weights = File.Create(Path.Combine(portal.ArtifactsFolder, run, "model", "weights.bin"));
            weights.SetLength(WeightsBytes);
        }

        var v1 = await ApiAsync(portal, "model-versions/create", new { name, source = $"mlflow-artifacts:/{kept}/model" });
        var v2 = await ApiAsync(portal, "model-versions/create", new { name, source = $"mlflow-artifacts:/{removed}/model" });
        // The kill comes once both copies have begun (on a busy machine a copy's task may start a moment after its answer).
        var registry = Path.Combine(portal.ArtifactsFolder, "registry");
        // A copy in progress writes its file under a temporary name inside registry/<id>.
        bool HalfWay(string copy) => PartialFiles(copy).Any();
        await WaitForAsync(() => Directory.Exists(registry) && Directory.GetDirectories(registry) is { Length: 2 } both && both.All(HalfWay) ? registry : null);
        portal.Kill();

        Assert.Equal(["PENDING_REGISTRATION", "PENDING_REGISTRATION"], new[] { v1, v2 }.Select(v => (string)v["model_version"]!["status"]!));
        var copies = Directory.GetDirectories(Path.Combine(portal.ArtifactsFolder, "registry"));
        Assert.True(copies.Length == 2 && copies.All(HalfWay),
            $"Both copies should have been half-way at the kill: {string.Join(", ", copies.Select(Path.GetFileName))}");
        Directory.Delete(Path.Combine(portal.ArtifactsFolder, removed, "model"), recursive: true);
        var restarted = await RestartAsync(portal, NoWait);
        await restarted.WaitForRecoveryAsync();

        var failed = (await ApiAsync(restarted, $"model-versions/get?name={name}&version=2"))["model_version"]!;
        Assert.Equal("FAILED_REGISTRATION", (string)failed["status"]!);
        Assert.Contains("The portal stopped while copying", (string)failed["status_message"]!);
        var ready = await WaitForAsync(async () => (await ApiAsync(restarted, $"model-versions/get?name={name}&version=1"))["model_version"]!
            is var v && (string)v["status"]! == "READY" ? v : null);
        var uri = (string)(await ApiAsync(restarted, $"model-versions/get-download-uri?name={name}&version=1"))["artifact_uri"]!;
        Assert.StartsWith(ModelFileStore.RegistryUriPrefix, uri);
        var copy = Path.Combine(portal.ArtifactsFolder, "registry", uri[ModelFileStore.RegistryUriPrefix.Length..]);
        Assert.Equal(WeightsBytes, new FileInfo(Path.Combine(copy, "weights.bin")).Length);
        Assert.Equal([Path.GetFileName(copy)], Directory.GetDirectories(Path.Combine(portal.ArtifactsFolder, "registry")).Select(Path.GetFileName));
        Assert.Equal("", (string)ready["status_message"]!);
    }

    [Fact]
    public async Task Transitions_killed_mid_burst_are_each_whole_or_absent_after_restart()
    {
        var portal = await StartAsync();
        var name = await CreateModelAsync(portal);
        // As many as the model page shows at once (25 a page), so the browser sees them all; the kill comes at the first answer.
        const int versions = 24;
        for (var i = 0; i < versions; i++) await ApiAsync(portal, "model-versions/create", new { name, source = $"s3://crash/{name}/{i}" });

        // Every version to Production, archiving the one there: at any moment exactly one may be in Production.
        var acknowledged = new List<int>();
        var burst = Enumerable.Range(1, versions).Select(async number =>
        {
            try
            {
                await ApiAsync(portal, "model-versions/transition-stage", new { name, version = $"{number}", stage = "Production", archive_existing_versions = true });
                lock (acknowledged) acknowledged.Add(number);
            }
            catch (HttpRequestException) { } // the answer the kill cut off
        }).ToList();
        await WaitForAsync(() => Task.FromResult(acknowledged.Count >= 1 ? acknowledged : null));
        portal.Kill();
        await Task.WhenAll(burst);

        Assert.True(acknowledged.Count < versions, "Every transition had finished before the kill: nothing was in the middle.");
        Assert.Equal("ok", IntegrityCheck(Path.Combine(portal.DataFolder, "registry.db")));
        var restarted = await RestartAsync(portal);
        var stages = new Dictionary<int, string>();
        for (var number = 1; number <= versions; number++)
            stages[number] = (string)(await ApiAsync(restarted, $"model-versions/get?name={name}&version={number}"))["model_version"]!["current_stage"]!;

        Assert.Single(stages, s => s.Value == "Production");
        Assert.All(acknowledged, number => Assert.Contains(stages[number], new[] { "Production", "Archived" })); // what was answered stays
        var page = await browser.NewPageAsync(restarted.BaseUrl);
        await page.SignInAsync(PortalProcess.AdminUser, $"/models/{name}");
        await Expect(page.VersionsTable().Locator("[data-stage=Production]")).ToHaveCountAsync(1);
    }

    private async Task<PortalProcess> StartAsync(params (string, string)[] settings)
    {
        var portal = await PortalProcess.StartAsync(data, settings);
        portals.Add(portal);
        return portal;
    }

    private async Task<PortalProcess> RestartAsync(PortalProcess killed, params (string, string)[] settings)
    {
        var portal = await PortalProcess.RestartAsync(killed, settings);
        portals.Add(portal);
        return portal;
    }

    private static async Task<JsonNode> ApiAsync(PortalProcess portal, string path, object? body = null)
    {
        using var api = portal.Admin();
        using var response = body is null ? await api.GetAsync($"/api/2.0/mlflow/{path}") : await api.PostAsJsonAsync($"/api/2.0/mlflow/{path}", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    private static async Task<string> CreateModelAsync(PortalProcess portal)
    {
        var name = $"crash-{Guid.NewGuid().ToString("N")[..8]}";
        await ApiAsync(portal, "registered-models/create", new { name });
        return name;
    }

    /// <summary>A new run; returns its artifact folder (the path after <c>mlflow-artifacts:/</c>).</summary>
    private static async Task<string> CreateRunAsync(PortalProcess portal)
    {
        var experiment = (string)(await ApiAsync(portal, "experiments/create", new { name = $"crash-{Guid.NewGuid():N}" }))["experiment_id"]!;
        var run = await ApiAsync(portal, "runs/create", new { experiment_id = experiment });
        return ((string)run["run"]!["info"]!["artifact_uri"]!)["mlflow-artifacts:/".Length..];
    }

    /// <summary>A file of <paramref name="length"/> bytes that takes no disk space (a hole reads as zeros).</summary>
    private string SparseFile(string name, long length)
    {
        var path = Path.Combine(files, name);
        using var file = File.Create(path);
        file.SetLength(length);
        return path;
    }

    private static IEnumerable<string> PartialFiles(string folder) =>
        Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*" + AtomicFile.PartialSuffix, new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            : [];

    private static string IntegrityCheck(string database)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check;";
        return (string)command.ExecuteScalar()!;
    }

    private static Task<T> WaitForAsync<T>(Func<T?> probe) where T : class => WaitForAsync(() => Task.FromResult(probe()));

    /// <summary>Polls <paramref name="probe"/> until it gives something, for at most 30 s: the moment to kill, or a copy to end.</summary>
    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (await probe() is { } found) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("What the test waited for did not happen within 30 s.");
            await Task.Delay(10);
        }
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var portal in portals) await portal.DisposeAsync();
        await browser.CloseContextsAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(data, recursive: true);
        Directory.Delete(files, recursive: true);
    }

    /// <summary>A request body that sends <paramref name="sendBeforeStalling"/> bytes, then waits for ever: a slow client mid-upload.</summary>
    private sealed class SlowStream(long length, long sendBeforeStalling) : Stream
    {
        private long position;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (position >= sendBeforeStalling) await Task.Delay(Timeout.Infinite, ct);
            var count = (int)Math.Min(buffer.Length, sendBeforeStalling - position);
            buffer.Span[..count].Fill(7);
            position += count;
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();
        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, default).GetAwaiter().GetResult();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>One headless Chromium for the crash tests (each starts and kills portal processes of its own).</summary>
public sealed class CrashFixture : IAsyncLifetime
{
    private IPlaywright? playwright;
    private IBrowser? browser;
    private readonly List<IBrowserContext> contexts = [];

    public async ValueTask InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(15_000);
        playwright = await Playwright.CreateAsync();
        browser = await RegistryPortal.Bench.DebianChromium.LaunchAsync(playwright);
    }

    /// <summary>A page in a fresh, signed-out context whose relative URLs go to <paramref name="baseUrl"/>.</summary>
    public async Task<IPage> NewPageAsync(string baseUrl)
    {
        var context = await browser!.NewContextAsync(new() { BaseURL = baseUrl });
        contexts.Add(context);
        return await context.NewPageAsync();
    }

    public async Task CloseContextsAsync()
    {
        foreach (var context in contexts) await context.DisposeAsync();
        contexts.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        if (browser is not null) await browser.DisposeAsync();
        playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class CrashCollection : ICollectionFixture<CrashFixture>
{
    public const string Name = "crash";
}
