using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Components.Pages.Models;
using RegistryPortal.Components.Pages.Models.Components;
using RegistryPortal.Domain;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Components.Pages.Models;

/// <summary>The model page and the models list "as of" a moment: the past under a banner, read-only, with a way back.</summary>
public class AsOfPageTests : PageTestContext
{
    private IRenderedComponent<TPage> RenderAsOf<TPage>(string path, string asOf, Action<ComponentParameterCollectionBuilder<TPage>>? parameters = null)
        where TPage : IComponent
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo($"{path}?asOf={Uri.EscapeDataString(asOf)}");
        return RenderPage<TPage>(parameters);
    }

    [Fact]
    public async Task The_model_page_as_of_a_moment_shows_the_stages_then_under_a_banner_without_editing_controls()
    {
        var (name, owner) = await Registry.ModelWithVersionsAsync(2, "asof-model");
        await Registry.Models.UpdateDescriptionAsync(owner, name, "First description.");
        await Registry.Stages.TransitionAsync(owner, name, 1, "Production", comment: "first release");
        var before = (await Registry.EventsAsync(name)).Last().At;
        await Registry.Stages.TransitionAsync(owner, name, 2, "Production", archiveExisting: true);
        await Registry.Models.UpdateDescriptionAsync(owner, name, "Second description.");
        SignIn(owner);

        var page = RenderAsOf<ModelPage>("models/asof-model", before.ToString("O"), p => p.Add(x => x.Name, name));

        page.WaitForAssertion(() => Assert.Contains("Version 1", page.Find("[data-stage-row=Production]").TextContent));
        Assert.Contains($"Showing the registry as of {AsOf.Show(before)}", page.Find("[aria-label='As of']").TextContent);
        Assert.Equal("Back to now", page.Find("[aria-label='As of'] a").TextContent);
        Assert.DoesNotContain("?asOf", page.Find("[aria-label='As of'] a").GetAttribute("href"));
        Assert.Contains("first release", page.Find("[data-stage-row=Production]").TextContent);
        Assert.Contains("First description.", page.Markup);
        Assert.DoesNotContain("Second description.", page.Markup);
        Assert.All(page.FindAll("[data-stage-row=Archived]"), r => Assert.Contains("—", r.TextContent));
        foreach (var control in new[] { "Register Model", "Rename", "Delete model", "Compare" })
            Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Trim().StartsWith(control));
        Assert.Empty(page.FindAll("[aria-label=Versions]"));
    }

    [Fact]
    public async Task The_date_pickers_open_when_asked_for()
    {
        var (_, owner) = await Registry.ModelWithVersionsAsync(1);
        SignIn(owner);

        var now = RenderPage<ModelsPage>();
        now.WaitForAssertion(() => Assert.NotNull(now.Button("As of a past date…")));
        Assert.Empty(now.FindComponents<MudBlazor.MudDatePicker>());
        now.Button("As of a past date…")!.Click();
        now.WaitForAssertion(() => Assert.Single(now.FindComponents<MudBlazor.MudDatePicker>()));
        Assert.Null(now.Button("As of a past date…"));
        Assert.True(now.Button("View as of")!.HasAttribute("disabled")); // until a date is picked
    }

    [Fact]
    public async Task The_date_pickers_are_open_already_on_a_past_moment()
    {
        var (name, owner) = await Registry.ModelWithVersionsAsync(1);
        SignIn(owner);

        var then = RenderAsOf<ModelPage>("models/" + name, "2026-01-02T03:04:05Z", p => p.Add(x => x.Name, name));
        then.WaitForAssertion(() => Assert.Single(then.FindComponents<MudBlazor.MudDatePicker>()));
        Assert.Equal(new DateTime(2026, 1, 2), then.FindComponent<MudBlazor.MudDatePicker>().Instance.Date);
    }

    [Fact]
    public async Task A_time_that_is_not_a_time_says_what_to_give()
    {
        var (name, owner) = await Registry.ModelWithVersionsAsync(1);
        SignIn(owner);
        var page = RenderAsOf<ModelPage>("models/" + name, "tuesday", p => p.Add(x => x.Name, name));
        page.WaitForAssertion(() => Assert.Contains("ISO-8601", page.Markup));
        Assert.Equal("Back to now", page.Find(".mud-alert a").TextContent);
    }

    [Fact]
    public async Task The_models_list_as_of_a_moment_has_the_models_then_under_their_names_then()
    {
        var admin = await Registry.AdminAsync();
        await Registry.Models.CreateAsync(admin, "old-name");
        var before = (await Registry.EventsAsync("old-name")).Last().At;
        await Registry.Models.RenameAsync(admin, "old-name", "new-name");
        await Registry.Models.CreateAsync(admin, "later-model");
        SignIn(admin);

        var page = RenderAsOf<ModelsPage>("models", before.ToString("O"));

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[aria-label='Registered models then'] tbody tr")));
        var row = page.Find("[aria-label='Registered models then'] tbody tr");
        Assert.Equal("old-name", row.QuerySelector("a")!.TextContent);
        Assert.Contains("new-name", row.TextContent);
        Assert.StartsWith("models/old-name?asOf=", row.QuerySelector("a")!.GetAttribute("href"));
        Assert.Contains("Showing the registry as of", page.Markup);
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Contains("Create Model"));
    }
}
