using Microsoft.Playwright;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.E2E;

/// <summary>The browser pages one test opens on either of the two instances; disposing it closes them all.</summary>
public sealed class TwoInstancePages(TwoInstancesFixture instances) : IAsyncDisposable
{
    private readonly List<IBrowserContext> contexts = [];

    /// <summary>A page in a fresh, signed-out context whose relative URLs go to <paramref name="on"/>.</summary>
    public async Task<IPage> NewPageAsync(PortalHost on)
    {
        var context = await instances.NewContextAsync(on.BaseUrl);
        contexts.Add(context);
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var context in contexts) await context.DisposeAsync();
    }
}
