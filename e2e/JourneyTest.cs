using Microsoft.Playwright;

namespace RegistryPortal.E2E;

/// <summary>
/// A journey's browser contexts (each with its own cookies, so each its own signed-in person), closed after
/// the test. When a test fails, each open page's screenshot and HTML go to e2e-failures/ beside the binaries.
/// </summary>
public abstract class JourneyTest(PortalFixture portal) : IAsyncLifetime
{
    private readonly List<IBrowserContext> contexts = [];
    private string? filesFolder;

    protected PortalFixture Portal { get; } = portal;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    /// <summary>A new signed-out browser with one page: another person at another computer.</summary>
    protected async Task<IPage> NewBrowserAsync()
    {
        var context = await Portal.NewContextAsync();
        contexts.Add(context);
        return await context.NewPageAsync();
    }

    /// <summary>A temporary folder of this test's own, for files it uploads; removed after the test.</summary>
    protected string FilesFolder => filesFolder ??= Directory.CreateTempSubdirectory("registryportal-e2e-files-").FullName;

    public async ValueTask DisposeAsync()
    {
        if (TestContext.Current.TestState?.Result == TestResult.Failed) await SaveFailureAsync();
        foreach (var context in contexts) await context.DisposeAsync();
        if (filesFolder is not null) Directory.Delete(filesFolder, recursive: true);
        GC.SuppressFinalize(this);
    }

    private async Task SaveFailureAsync()
    {
        var folder = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "e2e-failures")).FullName;
        var test = string.Concat((TestContext.Current.TestMethod?.MethodName ?? "test").Select(c => char.IsLetterOrDigit(c) || c == '_' ? c : '-'));
        var n = 0;
        foreach (var page in contexts.SelectMany(c => c.Pages))
        {
            var file = Path.Combine(folder, $"{test}-{++n}");
            try
            {
                await page.ScreenshotAsync(new() { Path = file + ".png", FullPage = true });
                await File.WriteAllTextAsync(file + ".html", await page.ContentAsync());
                TestContext.Current.SendDiagnosticMessage($"Saved {file}.png and .html ({page.Url})");
            }
            catch (PlaywrightException e)
            {
                TestContext.Current.SendDiagnosticMessage($"Could not save {file}: {e.Message}");
            }
        }
    }
}
