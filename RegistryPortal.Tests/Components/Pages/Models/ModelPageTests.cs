using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Components.Pages.Models;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Components.Pages.Models;

public class ModelPageTests : PageTestContext
{
    [Fact]
    public async Task A_reader_sees_the_model_and_its_versions_newest_first_with_their_stages()
    {
        var (name, owner) = await Registry.ModelWithVersionsAsync(3, "fraud-detector");
        await Registry.Models.UpdateDescriptionAsync(owner, name, "# Fraud\nScores **transactions**.");
        await Registry.Models.SetTagAsync(owner, name, "team", "risk");
        await Registry.Stages.TransitionAsync(owner, name, 1, "Archived");
        await Registry.Stages.TransitionAsync(owner, name, 2, "Production");
        SignIn(await Registry.UserAsync(Roles.Reader));

        var page = RenderPage<ModelPage>(p => p.Add(x => x.Name, "fraud-detector"));

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[aria-label=Versions] tbody tr").Count));
        Assert.Equal("Fraud", page.Find(".markdown-body h1").TextContent);
        Assert.Equal("transactions", page.Find(".markdown-body strong").TextContent);
        Assert.Contains("team: risk", page.Markup);
        Assert.Contains("Your access: Read", page.Find("p:has(b)").ParentElement!.TextContent.Replace("\n", " "));
        var rows = page.FindAll("[aria-label=Versions] tbody tr");
        Assert.Equal(["Version 3", "Version 2", "Version 1"], rows.Select(r => r.QuerySelector("a")!.TextContent.Trim()));
        Assert.Equal(["None", "Production", "Archived"], rows.Select(r => r.QuerySelector("[data-stage]")!.GetAttribute("data-stage")));
        Assert.All(rows, r => Assert.Contains("User 1", r.TextContent));
    }

    [Fact]
    public async Task A_change_the_page_missed_shows_once_it_is_told_that_anything_may_have_changed()
    {
        var (name, owner) = await Registry.ModelWithVersionsAsync(1);
        SignIn(owner);
        var page = RenderPage<ModelPage>(p => p.Add(x => x.Name, name));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[aria-label=Versions] tbody tr")));

        // Written beneath the services, so no change is raised: as when another instance's notice was lost.
        await Registry.QueryAsync(async db =>
        {
            var model = await db.Models.SingleAsync(m => m.Name == name);
            model.Description = "Missed while the feed was down";
            return await db.SaveChangesAsync();
        });
        Assert.DoesNotContain("Missed while the feed was down", page.Markup);

        Services.GetRequiredService<RegistryChanges>().Publish([RegistryChange.Anything]);

        page.WaitForAssertion(() => Assert.Contains("Missed while the feed was down", page.Markup), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_description_cannot_inject_script()
    {
        var (name, owner) = await Registry.ModelWithVersionsAsync(0);
        await Registry.Models.UpdateDescriptionAsync(owner, name, "Hello <script>alert(1)</script> [x](javascript:alert(1))");
        SignIn(await Registry.UserAsync(Roles.Reader));

        var page = RenderPage<ModelPage>(p => p.Add(x => x.Name, name));

        page.WaitForAssertion(() => Assert.Contains("Hello", page.Find(".markdown-body").TextContent));
        Assert.Empty(page.FindAll(".markdown-body script"));
        Assert.DoesNotContain("javascript:", page.Find(".markdown-body").InnerHtml);
    }

    [Fact]
    public async Task A_model_that_does_not_exist_says_so_instead_of_an_empty_page()
    {
        SignIn(await Registry.UserAsync(Roles.Reader));

        var page = RenderPage<ModelPage>(p => p.Add(x => x.Name, "no-such-model"));

        page.WaitForAssertion(() => Assert.Contains("Registered model 'no-such-model' does not exist", page.Markup));
        Assert.Empty(page.FindAll("table"));
    }

    [Fact]
    public async Task A_user_who_may_not_read_the_model_is_told_it_does_not_exist()
    {
        var (name, _) = await Registry.ModelWithVersionsAsync(2, "secret-model");
        SignIn(await Registry.UserAsync());

        var page = RenderPage<ModelPage>(p => p.Add(x => x.Name, name));

        page.WaitForAssertion(() => Assert.Contains("does not exist", page.Markup));
        Assert.DoesNotContain("Version 1", page.Markup);
    }

    // Found and fired in one step on the renderer, so a re-render in between (a reload after a change) cannot make the handler stale.
    private string LastSnackbar() => Services.GetRequiredService<MudBlazor.ISnackbar>().ShownSnackbars.Last().Message ?? "";

    [Fact]
    public async Task An_editor_writes_and_saves_a_description_which_is_stored_and_shown_rendered()
    {
        var (name, _) = await Registry.ModelWithVersionsAsync(1);
        var editor = await Registry.UserAsync(Roles.Editor);
        SignIn(editor);
        var page = RenderPage<ModelPage>(p => p.Add(x => x.Name, name));
        page.WaitForAssertion(() => Assert.True(page.Button("Edit description")!.IsEnabled()));

        await page.ClickNowAsync("Edit description");
        page.WaitForAssertion(() => Assert.NotNull(page.Button("Save")));
        await page.TypeNowAsync("Description (markdown)", "# Churn\nPredicts **cancellations**.");
        await page.ClickNowAsync("Save");

        page.WaitForAssertion(() => Assert.Equal("Churn", page.Find(".markdown-body h1").TextContent));
        Assert.Equal("cancellations", page.Find(".markdown-body strong").TextContent);
        Assert.NotNull(page.Button("Edit description")); // back out of the editor
        Assert.Equal("# Churn\nPredicts **cancellations**.", (await Registry.Models.GetAsync(editor, name)).Description);
        Assert.Equal("Description saved.", LastSnackbar());
    }

    /// <summary>An editor types "Mine" over "Original" while the owner saves "Theirs", then clicks Save: the conflict.</summary>
    private async Task<(IRenderedComponent<ModelPage> Page, string Name, RegistryPortal.Security.Actor Editor)> SaveOverSomeoneElsesDescriptionAsync()
    {
        var (name, owner) = await Registry.ModelWithVersionsAsync(1);
        await Registry.Models.UpdateDescriptionAsync(owner, name, "Original");
        var editor = await Registry.UserAsync(Roles.Editor);
        SignIn(editor);
        var page = RenderPage<ModelPage>(p => p.Add(x => x.Name, name));
        page.WaitForAssertion(() => Assert.True(page.Button("Edit description")!.IsEnabled()));
        await page.ClickNowAsync("Edit description");
        page.WaitForAssertion(() => Assert.NotNull(page.Button("Save")));
        await page.TypeNowAsync("Description (markdown)", "Mine");
        await Registry.Models.UpdateDescriptionAsync(owner, name, "Theirs", "Original");
        await page.ClickNowAsync("Save");
        return (page, name, editor);
    }

    [Fact]
    public async Task A_description_someone_else_saved_meanwhile_is_not_overwritten_and_theirs_can_be_kept()
    {
        var (page, name, editor) = await SaveOverSomeoneElsesDescriptionAsync();

        page.WaitForAssertion(() => Assert.Contains("Someone saved a newer description while you were editing", page.Markup));
        Assert.Equal("Theirs", page.Find("[aria-label='Their description'] .markdown-body").TextContent.Trim());
        Assert.NotNull(page.Button("Save mine over theirs"));
        Assert.Equal("Theirs", (await Registry.Models.GetAsync(editor, name)).Description);

        await page.ClickNowAsync("Keep theirs");

        page.WaitForAssertion(() => Assert.NotNull(page.Button("Edit description")));
        Assert.Equal("Theirs", page.Find(".markdown-body").TextContent.Trim());
        Assert.DoesNotContain("Mine", page.Markup);
        Assert.Equal("Theirs", (await Registry.Models.GetAsync(editor, name)).Description);
    }

    [Fact]
    public async Task After_a_description_conflict_the_editor_may_save_theirs_over_with_mine()
    {
        var (page, name, editor) = await SaveOverSomeoneElsesDescriptionAsync();
        page.WaitForAssertion(() => Assert.NotNull(page.Button("Save mine over theirs")));

        await page.ClickNowAsync("Save mine over theirs");

        page.WaitForAssertion(() => Assert.NotNull(page.Button("Edit description")));
        Assert.Equal("Mine", page.Find(".markdown-body").TextContent.Trim());
        Assert.Equal("Mine", (await Registry.Models.GetAsync(editor, name)).Description);
        Assert.Equal("Description saved.", LastSnackbar());
    }

    [Fact]
    public async Task An_editor_adds_a_tag_and_removes_it_again()
    {
        var (name, _) = await Registry.ModelWithVersionsAsync(1);
        var editor = await Registry.UserAsync(Roles.Editor);
        SignIn(editor);
        var page = RenderPage<ModelPage>(p => p.Add(x => x.Name, name));
        page.WaitForAssertion(() => Assert.Contains("No tags.", page.Markup));

        page.Field("Tag key").Change("team");
        page.Field("Tag value").Change("risk");
        page.WaitForAssertion(() => Assert.True(page.Button("Add tag")!.IsEnabled()));
        await page.ClickNowAsync("Add tag");

        page.WaitForAssertion(() => Assert.Contains(page.FindAll("[aria-label=Tags] .mud-chip"), c => c.TextContent.Trim() == "team: risk"));
        Assert.DoesNotContain("No tags.", page.Markup);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "risk" }, (await Registry.Models.GetAsync(editor, name)).Tags);
        Assert.False(page.Button("Add tag")!.IsEnabled()); // the key field was cleared

        page.FindAll("[aria-label=Tags] .mud-chip").Single(c => c.TextContent.Trim() == "team: risk").QuerySelector(".mud-chip-close-button")!.Click();

        page.WaitForAssertion(() => Assert.Contains("No tags.", page.Markup));
        Assert.Empty(page.FindAll("[aria-label=Tags] .mud-chip"));
        Assert.Empty((await Registry.Models.GetAsync(editor, name)).Tags);
    }

    [Fact]
    public async Task A_manager_switches_one_version_per_stage_on_and_it_then_archives_the_version_in_the_stage()
    {
        var (name, owner) = await Registry.ModelInStagesAsync(Stage.Staging, Stage.None);
        SignIn(owner);
        var page = RenderPage<ModelPage>(p => p.Add(x => x.Name, name));
        page.WaitForAssertion(() => Assert.False(page.Find(".mud-switch input").HasAttribute("disabled")));
        Assert.False(page.Find(".mud-switch input").HasAttribute("checked"));

        page.Find(".mud-switch input").Change(true);

        page.WaitForAssertion(() => Assert.True(page.Find(".mud-switch input").HasAttribute("checked")));
        Assert.True((await Registry.Models.GetAsync(owner, name)).OneVersionPerStage);
        Assert.Equal("One version per stage is on.", LastSnackbar());
        await Registry.Stages.TransitionAsync(owner, name, 2, "Staging");
        Assert.Equal(Stage.Archived, await Registry.StageOfAsync(name, 1));

        page.Find(".mud-switch input").Change(false);

        page.WaitForAssertion(() => Assert.False(page.Find(".mud-switch input").HasAttribute("checked")));
        Assert.False((await Registry.Models.GetAsync(owner, name)).OneVersionPerStage);
        Assert.Equal("One version per stage is off.", LastSnackbar());
    }
}
