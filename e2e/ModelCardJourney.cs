using System.IO.Compression;
using Microsoft.Playwright;
using RegistryPortal.Domain;
using static Microsoft.Playwright.Assertions;

namespace RegistryPortal.E2E;

/// <summary>
/// A reviewer opens a demo version and sees what the model is: its signature, a snippet to copy, and all its files in
/// one zip. The demo versions come from real runs, so their cards are full.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class ModelCardJourney(PortalFixture portal) : JourneyTest(portal)
{
    private const string VersionPath = "/models/fraud-detector/versions/3";

    [Fact]
    public async Task A_reader_sees_the_signature_of_a_demo_version_and_copies_a_snippet()
    {
        var reader = await Portal.CreateUserAsync(Roles.Reader);
        var page = await NewBrowserAsync();
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await page.SignInAsync(reader, VersionPath);

        var inputs = page.GetByLabel("Inputs", new() { Exact = true });
        await Expect(inputs.GetByRole(AriaRole.Row)).ToHaveCountAsync(6); // the header and five columns
        await Expect(inputs.GetByRole(AriaRole.Row).Nth(1).GetByRole(AriaRole.Cell)).ToHaveTextAsync(["amount", "double", "—", "no"]);
        await Expect(inputs.GetByRole(AriaRole.Row).Nth(5).GetByRole(AriaRole.Cell)).ToHaveTextAsync(["distance_from_home_km", "double", "—", "yes"]);
        await Expect(page.GetByLabel("Input example", new() { Exact = true })).ToContainTextAsync("\"merchant_category\"");

        var copy = page.Button("Copy: Serve it with MLflow");
        await copy.ClickAsync();
        await Expect(copy).ToHaveTextAsync("Copied");
        Assert.Equal("mlflow models serve -m models:/fraud-detector/3 -p 5001", await page.EvaluateAsync<string>("navigator.clipboard.readText()"));
    }

    [Fact]
    public async Task Download_all_gives_a_zip_of_the_versions_files()
    {
        var reader = await Portal.CreateUserAsync(Roles.Reader);
        var page = await NewBrowserAsync();
        await page.SignInAsync(reader, VersionPath);

        // A text file previews in place.
        var files = page.GetByLabel("Version files", new() { Exact = true });
        await files.GetByText("requirements.txt", new() { Exact = true }).ClickAsync();
        await Expect(page.GetByLabel("Preview", new() { Exact = true })).ToContainTextAsync("scikit-learn==1.5.1");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download all" }).ClickAsync());
        var path = Path.Combine(FilesFolder, download.SuggestedFilename);
        await download.SaveAsAsync(path);

        Assert.Equal("fraud-detector-v3.zip", download.SuggestedFilename);
        using var zip = ZipFile.OpenRead(path);
        Assert.Equal(["input_example.json", "MLmodel", "model.pkl", "python_env.yaml", "requirements.txt"],
            zip.Entries.Select(e => e.FullName).Order(StringComparer.OrdinalIgnoreCase));
        using var mlModel = new StreamReader(zip.GetEntry("MLmodel")!.Open());
        Assert.Contains("sklearn_version: 1.5.1", await mlModel.ReadToEndAsync());
    }
}
