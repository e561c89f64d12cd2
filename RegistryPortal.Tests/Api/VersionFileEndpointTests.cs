using System.IO.Compression;
using System.Net;
using System.Text;
using RegistryPortal.Domain;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Api;

/// <summary>The version page's downloads: one file, or all as a zip, for the signed-in browser; paths stay inside the version.</summary>
[Collection(ApiCollection.Name)]
public class VersionFileEndpointTests(ApiApp app)
{
    private async Task<(string Model, HttpClient Browser)> VersionAsync(string role = Roles.Reader)
    {
        var owner = await app.UserAsync(Roles.Editor);
        var model = ApiApp.Unique("files");
        await app.Factory.Services.VersionWithFilesAsync(owner.Actor, model, new Dictionary<string, byte[]>
        {
            ["MLmodel"] = "flavors: {}\n"u8.ToArray(), ["data/model.pth"] = [0, 1, 2, 3], ["requirements.txt"] = "torch==2.3.1\n"u8.ToArray(),
        });
        var reader = await app.UserAsync(role);
        var browser = app.Anonymous();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(reader.Email, ApiApp.UserPassword)).StatusCode);
        return (model, browser);
    }

    [Fact]
    public async Task A_reader_downloads_one_file()
    {
        var (model, browser) = await VersionAsync();

        var response = await browser.GetAsync($"/models/{model}/versions/1/files/data/model.pth");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([0, 1, 2, 3], await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("model.pth", response.Content.Headers.ContentDisposition?.FileName);
    }

    [Fact]
    public async Task Download_all_is_a_zip_of_every_file()
    {
        var (model, browser) = await VersionAsync();

        var response = await browser.GetAsync($"/models/{model}/versions/1/download.zip");
        using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));

        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"{model}-v1.zip", response.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal(["MLmodel", "data/model.pth", "requirements.txt"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        using var requirements = new StreamReader(zip.GetEntry("requirements.txt")!.Open(), Encoding.UTF8);
        Assert.Equal("torch==2.3.1\n", await requirements.ReadToEndAsync());
    }

    [Theory]
    [InlineData("..%2F..%2Fregistry.db")]
    [InlineData("data%2F..%2F..%2Fother%2FMLmodel")]
    [InlineData("%2Fetc%2Fpasswd")]
    public async Task A_path_out_of_the_version_is_refused(string path)
    {
        var (model, browser) = await VersionAsync();

        var response = await browser.GetAsync($"/models/{model}/versions/1/files/{path}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("is not a valid artifact path", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_user_who_may_not_read_the_model_gets_nothing()
    {
        var (model, browser) = await VersionAsync(role: Roles.Admin);
        var stranger = await app.UserAsync();
        var strangerBrowser = app.Anonymous();
        await strangerBrowser.SignInAsync(stranger.Email, ApiApp.UserPassword);

        var file = await strangerBrowser.GetAsync($"/models/{model}/versions/1/files/MLmodel");
        var zip = await strangerBrowser.GetAsync($"/models/{model}/versions/1/download.zip");
        var signedOut = await app.Anonymous().GetAsync($"/models/{model}/versions/1/download.zip");

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (file.StatusCode, zip.StatusCode));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/models/{model}/versions/1/files/MLmodel")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Contains("/Account/Login", signedOut.Headers.Location!.ToString());
    }
}
