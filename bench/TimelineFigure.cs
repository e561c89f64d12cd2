using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RegistryPortal.Components.Pages.Models.Components;

namespace RegistryPortal.Bench;

/// <summary>
/// Figure: the big model's stage timeline as the server makes it for the model page: the history read (one model's
/// moves, by the Activity (ModelId, At) index), laid out, and the component rendered to HTML, signed in as the admin.
/// </summary>
public static class TimelineFigure
{
    public static async Task<Figure> RunAsync(BenchHost host, GeneratedRegistry registry, BenchOptions options, TextWriter log)
    {
        var signedIn = Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, host.AdminId)], "bench"))));
        var parameters = ParameterView.FromDictionary(new Dictionary<string, object?>
        {
            [nameof(CascadingValue<Task<AuthenticationState>>.Value)] = signedIn,
            [nameof(CascadingValue<Task<AuthenticationState>>.ChildContent)] = (RenderFragment)(b =>
            {
                b.OpenComponent<MudBlazor.MudPopoverProvider>(0); // as the layout has, for the tooltips
                b.CloseComponent();
                b.OpenComponent<StageTimelineView>(1);
                b.AddComponentParameter(2, nameof(StageTimelineView.ModelName), registry.BigModel);
                b.CloseComponent();
            }),
        });
        var (size, periods) = (0, 0);
        var timed = await Measure.TimedAsync(options.Requests, async _ =>
        {
            // A scope and a renderer per render, as a prerendered request has; the scope's navigation manager knows the page.
            await using var scope = host.Services.CreateAsyncScope();
            ((IHostEnvironmentNavigationManager)scope.ServiceProvider.GetRequiredService<NavigationManager>())
                .Initialize(host.BaseUrl + "/", $"{host.BaseUrl}/models/{Uri.EscapeDataString(registry.BigModel)}");
            await using var renderer = new HtmlRenderer(scope.ServiceProvider, scope.ServiceProvider.GetRequiredService<ILoggerFactory>());
            var html = await renderer.Dispatcher.InvokeAsync(async () =>
            {
                var output = await renderer.RenderComponentAsync<CascadingValue<Task<AuthenticationState>>>(parameters);
                await output.QuiescenceTask;
                return output.ToHtmlString();
            });
            size = html.Length;
            periods = html.Split("data-version=").Length - 1;
            if (periods == 0) throw new InvalidOperationException($"The timeline of {registry.BigModel} drew no period: {Measure.Truncate(html)}");
        });
        // The service's part alone (read and layout), to tell it from the render's.
        var history = host.Services.GetRequiredService<RegistryPortal.Registry.History.StageHistoryService>();
        var admin = new RegistryPortal.Security.Actor(host.AdminId);
        var service = await Measure.RepeatAsync(Math.Min(options.Requests, 50), _ => history.TimelineAsync(admin, registry.BigModel));
        service.Sort();
        var figure = Stats.Latency($"stage timeline of the big model ({registry.BigModelVersions:N0} versions): server render", timed.Samples, 100, "p95 ≤ 100 ms",
            $"{timed.Note}; {periods} periods drawn, {size / 1024} KB of HTML; the service's read and layout p50 {Stats.Quantile(service, 0.5):0.0} ms");
        log.WriteLine($"  {figure.Name}: p50 {figure.P50:0.0} ms, p95 {figure.P95:0.0} ms ({periods} periods)");
        return figure;
    }
}
