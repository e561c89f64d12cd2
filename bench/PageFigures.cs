using System.Diagnostics;
using Microsoft.Playwright;

namespace RegistryPortal.Bench;

/// <summary>
/// Figure 4: the models list and the big model's page as a browser first loads them: the server's
/// answer (the prerendered page, signed in) and the time until the table's first row shows in Chromium.
/// </summary>
public static class PageFigures
{
    public static async Task<List<Figure>> RunAsync(BenchHost host, Browser browser, GeneratedRegistry registry, BenchOptions options, TextWriter log)
    {
        var figures = new List<Figure>();
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(host.BaseUrl) };
        http.DefaultRequestHeaders.Add("Cookie", browser.CookieHeader);
        (string Name, string Url, string FirstRowLink)[] pages =
        [
            ("models list page", "/models", registry.BigModel),
            ($"model page ({registry.BigModelVersions:N0} versions)", "/models/" + Uri.EscapeDataString(registry.BigModel), $"Version {registry.BigModelVersions}"),
        ];
        foreach (var (name, url, firstRowLink) in pages)
        {
            var size = 0;
            var timed = await Measure.TimedAsync(options.Requests, async _ =>
            {
                var html = await Measure.GetAsync(http, url);
                if (!html.Contains("data-testid=\"circuit\"", StringComparison.Ordinal))
                    throw new InvalidOperationException($"{url} did not answer with the portal's page (signed out?): {Measure.Truncate(html)}");
                size = html.Length;
            });
            var served = Stats.Latency($"{name}: server response", timed.Samples, 100, "p95 ≤ 100 ms", $"{timed.Note}; {size / 1024} KB of HTML");
            figures.Add(served);
            log.WriteLine($"  {served.Name}: p50 {served.P50:0.0} ms, p95 {served.P95:0.0} ms");

            await using var context = await browser.SignedInContextAsync();
            var page = await context.NewPageAsync();
            var row = page.GetByRole(AriaRole.Link, new() { Name = firstRowLink, Exact = true }).First;
            var shown = Stats.Latency($"{name}: table visible in Chromium", await Measure.RepeatAsync(options.PageLoads, async _ =>
            {
                await page.GotoAsync(url, new() { WaitUntil = WaitUntilState.Commit });
                await row.WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 60_000 });
            }), 1000, "p95 ≤ 1 s");
            figures.Add(shown);
            log.WriteLine($"  {shown.Name}: p50 {shown.P50:0} ms, p95 {shown.P95:0} ms");
        }
        return figures;
    }

    /// <summary>
    /// Figure 7: the app's managed memory (after a full collection) before and after opening that many
    /// idle, interactive tabs on the models list, per tab; the process's working set as a note.
    /// </summary>
    public static async Task<Figure> IdleSessionsAsync(Browser browser, BenchOptions options, TextWriter log)
    {
        var (heapBefore, setBefore) = Memory();
        await using var context = await browser.SignedInContextAsync();
        for (var i = 0; i < options.Sessions; i++)
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync(options.SessionPage);
            await Browser.WaitForCircuitAsync(page);
        }
        await Task.Delay(TimeSpan.FromSeconds(2)); // let the last renders settle
        var (heapAfter, setAfter) = Memory();
        var perSession = (heapAfter - heapBefore) / (double)options.Sessions / 1024;
        var perSessionSet = (setAfter - setBefore) / (double)options.Sessions / 1024;
        log.WriteLine($"  idle session: {perSession:0} KB managed, {perSessionSet:0} KB working set each");
        return new Figure($"idle browser session ({options.SessionPage}, {options.Sessions} open)", perSession, null, "KB", "≤ 1024 KB each", perSession <= 1024,
            options.Sessions, $"managed heap after full GC; working set {perSessionSet:0} KB each");
    }

    public static (long Heap, long WorkingSet) Memory()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        using var self = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: true), self.WorkingSet64);
    }
}
