using System.IO.Compression;
using System.Net;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Storage;
using RegistryPortal.Tests.TestSupport;
using RegistryPortal.Tracking;

namespace RegistryPortal.Tests.Api;

/// <summary>
/// "Download all" of a 1 GB version streams the zip while it is written: the process's memory stays flat. It runs alone
/// (after every parallel test), so the memory sampled is this download's.
/// </summary>
[Collection(LargeTransferCollection.Name)]
public class VersionZipTests(ApiApp app)
{
    private const long OneGigabyte = 1L << 30;

    [Fact]
    public async Task A_1_GB_version_downloads_as_a_zip_without_being_held_in_memory()
    {
        var owner = await app.UserAsync(Roles.Editor);
        var model = ApiApp.Unique("big-zip");
        var folder = await ModelCardTestExtensions.RegistryFolderAsync(app.Factory.Services, new Dictionary<string, Func<Stream, Task>>
        {
            ["MLmodel"] = s => s.WriteAsync("flavors: {}\n"u8.ToArray()).AsTask(),
            ["data/weights.bin"] = s => new PatternStream(OneGigabyte).CopyToAsync(s, 1 << 20),
        });
        await app.Service<ModelService>().CreateAsync(owner.Actor, model);
        await app.Service<ModelRegistration>().RegisterAsync(owner.Actor, new NewVersion(model, ModelFileStore.RegistryUriPrefix + Path.GetFileName(folder)));
        var browser = app.Anonymous();
        browser.Timeout = TimeSpan.FromMinutes(5);
        await browser.SignInAsync(owner.Email, ApiApp.UserPassword);
        var zipFile = Path.Combine(Path.GetTempPath(), $"{model}.zip");

        try
        {
            await using (var memory = MemorySampler.Start())
            {
                using var response = await browser.GetAsync($"/models/{model}/versions/1/download.zip", HttpCompletionOption.ResponseHeadersRead);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                await using (var body = await response.Content.ReadAsStreamAsync())
                await using (var file = File.Create(zipFile))
                {
                    await body.CopyToAsync(file, 1 << 20);
                }
                var growth = await memory.StopAsync();
                Assert.True(growth < 256L * 1024 * 1024, $"The process's memory grew by {growth / (1024 * 1024)} MB while zipping 1 GB: the zip was buffered.");
            }

            using var zip = ZipFile.OpenRead(zipFile);
            Assert.Equal(["MLmodel", "data/weights.bin"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
            var weights = zip.GetEntry("data/weights.bin")!;
            Assert.Equal(OneGigabyte, weights.Length);
            await using var entry = weights.Open();
            Assert.Equal((OneGigabyte, -1L), await PatternStream.CompareAsync(entry));
        }
        finally
        {
            File.Delete(zipFile);
            Directory.Delete(folder, recursive: true);
        }
    }
}
