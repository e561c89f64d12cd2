using Bunit;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Components.Pages.Models;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Components.Pages.Models;

/// <summary>
/// What the version page offers each role, stated literally: version 2 is in Staging, version 1 in
/// Production, and someone else asked to move version 2 to Production.
/// </summary>
public class VersionPagePermissionTests : PageTestContext
{
    public static TheoryData<string, string[], bool, bool, bool> Expectations => new()
    {
        // role, Stage menu items (moves first, then requests; none to None, none already pending), may approve/reject, may cancel the other's request, may edit (tags, description)
        { Roles.Reader, ["Request transition to Archived"], false, false, false },
        { Roles.Editor, ["Request transition to Archived"], false, false, true },
        { Roles.StagingManager, ["Transition to None", "Transition to Archived"], false, false, true },
        { Roles.ProductionManager, ["Transition to None", "Transition to Production", "Transition to Archived"], true, false, true },
        { Roles.Manager, ["Transition to None", "Transition to Production", "Transition to Archived"], true, true, true },
    };

    [Theory]
    [MemberData(nameof(Expectations))]
    public async Task Each_role_sees_exactly_the_actions_it_may_take(string role, string[] menuItems, bool mayReview, bool mayCancel, bool mayEdit)
    {
        var (name, owner) = await Registry.ModelWithVersionsAsync(2);
        await Registry.Stages.TransitionAsync(owner, name, 1, "Production");
        await Registry.Stages.TransitionAsync(owner, name, 2, "Staging");
        await Registry.Requests.CreateAsync(await Registry.UserAsync(Roles.Reader), name, 2, "Production", comment: "ready");
        SignIn(await Registry.UserAsync(role));

        var page = RenderPage<VersionPage>(p => p.Add(x => x.Name, name).Add(x => x.Number, 2));
        page.WaitForAssertion(() => Assert.NotNull(page.Button("Stage: Staging")));
        page.Button("Stage: Staging")!.Click();

        Popovers.WaitForAssertion(() => Assert.Equal(menuItems, Popovers.FindAll(".mud-menu-item").Select(i => i.TextContent.Trim())));
        Assert.Equal(mayReview, page.Button("Approve") is not null);
        Assert.Equal(mayReview, page.Button("Reject") is not null);
        Assert.Equal(mayCancel, page.Button("Cancel request") is not null);
        Assert.Equal(mayEdit, page.Button("Add tag") is not null);
        Assert.Equal(mayEdit, page.Button("Edit description")!.IsEnabled());
        Assert.False(page.Button("Delete version")!.IsEnabled()); // in Staging: nobody may delete it
    }

    [Theory]
    [InlineData(Roles.ProductionManager, false)]
    [InlineData(Roles.Manager, true)]
    public async Task Only_manage_holders_may_delete_a_version_in_none(string role, bool mayDelete)
    {
        var (name, _) = await Registry.ModelWithVersionsAsync(1);
        SignIn(await Registry.UserAsync(role));

        var page = RenderPage<VersionPage>(p => p.Add(x => x.Name, name).Add(x => x.Number, 1));

        page.WaitForAssertion(() => Assert.NotNull(page.Button("Delete version")));
        Assert.Equal(mayDelete, page.Button("Delete version")!.IsEnabled());
    }

    [Fact]
    public async Task The_requester_may_cancel_their_own_request()
    {
        var (name, _) = await Registry.ModelWithVersionsAsync(1);
        var reader = await Registry.UserAsync(Roles.Reader);
        await Registry.Requests.CreateAsync(reader, name, 1, "Staging");
        SignIn(reader);

        var page = RenderPage<VersionPage>(p => p.Add(x => x.Name, name).Add(x => x.Number, 1));

        page.WaitForAssertion(() => Assert.NotNull(page.Button("Cancel request")));
        page.Button("Cancel request")!.Click();
        page.WaitForAssertion(() => Assert.Contains("No pending requests.", page.Markup));
        Assert.Empty(await Registry.Requests.ListAsync(reader, name, 1));
    }

    [Fact]
    public async Task A_direct_transition_through_the_dialog_moves_the_version_and_records_the_comment()
    {
        var (name, _) = await Registry.ModelWithVersionsAsync(2);
        var manager = await Registry.UserAsync(Roles.ProductionManager);
        await Registry.Stages.TransitionAsync(manager, name, 1, "Production");
        SignIn(manager);
        var page = RenderPage<VersionPage>(p => p.Add(x => x.Name, name).Add(x => x.Number, 2));
        page.WaitForAssertion(() => Assert.NotNull(page.Button("Stage: None")));

        page.Button("Stage: None")!.Click();
        Popovers.WaitForAssertion(() => Popovers.FindAll(".mud-menu-item").Single(i => i.TextContent.Trim() == "Transition to Production").Click());
        Dialogs.WaitForAssertion(() => Assert.Contains("Transition existing Production model versions to Archived", Dialogs.Markup));
        Dialogs.Find("textarea").Change("Better AUC");
        Dialogs.Find("input[type=checkbox]").Change(true);
        Dialogs.Button("Transition")!.Click();

        page.WaitForAssertion(() => Assert.NotNull(page.Button("Stage: Production")));
        Assert.Equal(Stage.Archived, (await Registry.Versions.GetAsync(manager, name, 1)).Stage);
        var moved = (await Registry.Activity.ListAsync(manager, name, 2)).First(e => e.Kind == ActivityKind.Transitioned);
        Assert.Equal(("Better AUC", Stage.None, Stage.Production), (moved.Comment, moved.FromStage!.Value, moved.ToStage!.Value));
    }

    // Found and fired in one step on the renderer, so a re-render in between (a reload after a change) cannot make the handler stale.
    private string LastSnackbar() => Services.GetRequiredService<MudBlazor.ISnackbar>().ShownSnackbars.Last().Message ?? "";

    [Fact]
    public async Task An_editor_sets_an_alias_here_moving_it_from_another_version_and_removes_it()
    {
        var (name, owner) = await Registry.ModelWithVersionsAsync(2);
        await Registry.Aliases.SetAsync(owner, name, "champion", 1);
        var editor = await Registry.UserAsync(Roles.Editor);
        SignIn(editor);
        var page = RenderPage<VersionPage>(p => p.Add(x => x.Name, name).Add(x => x.Number, 2));
        page.WaitForAssertion(() => Assert.Contains("No aliases.", page.Markup));

        page.Field("Alias").Change("champion");
        page.WaitForAssertion(() => Assert.True(page.Button("Set alias")!.IsEnabled()));
        await page.ClickNowAsync("Set alias");

        page.WaitForAssertion(() => Assert.Equal(["@champion"], page.FindAll("[aria-label=Aliases] .mud-chip").Select(c => c.TextContent.Trim())));
        Assert.Equal(["champion"], (await Registry.Versions.GetAsync(editor, name, 2)).Aliases);
        Assert.Empty((await Registry.Versions.GetAsync(editor, name, 1)).Aliases);
        Assert.Equal("Alias @champion now points to version 2.", LastSnackbar());
        Assert.False(page.Button("Set alias")!.IsEnabled()); // the field was cleared

        page.Find("[aria-label=Aliases] .mud-chip .mud-chip-close-button").Click();

        page.WaitForAssertion(() => Assert.Contains("No aliases.", page.Markup));
        Assert.Empty((await Registry.Versions.GetAsync(editor, name, 2)).Aliases);
    }

    [Fact]
    public async Task An_editor_adds_a_version_tag_and_removes_it_again()
    {
        var (name, _) = await Registry.ModelWithVersionsAsync(1);
        var editor = await Registry.UserAsync(Roles.Editor);
        SignIn(editor);
        var page = RenderPage<VersionPage>(p => p.Add(x => x.Name, name).Add(x => x.Number, 1));
        page.WaitForAssertion(() => Assert.Contains("No tags.", page.Markup));

        page.Field("Tag key").Change("validated");
        page.Field("Tag value").Change("yes");
        page.WaitForAssertion(() => Assert.True(page.Button("Add tag")!.IsEnabled()));
        await page.ClickNowAsync("Add tag");

        page.WaitForAssertion(() => Assert.Equal(["validated: yes"], page.FindAll("[aria-label=Tags] .mud-chip").Select(c => c.TextContent.Trim())));
        Assert.Equal(new Dictionary<string, string> { ["validated"] = "yes" }, (await Registry.Versions.GetAsync(editor, name, 1)).Tags);

        page.Find("[aria-label=Tags] .mud-chip .mud-chip-close-button").Click();

        page.WaitForAssertion(() => Assert.Contains("No tags.", page.Markup));
        Assert.Empty((await Registry.Versions.GetAsync(editor, name, 1)).Tags);
    }

    [Fact]
    public async Task An_editor_saves_a_version_description_and_a_later_conflicting_save_overwrites_nothing()
    {
        var (name, owner) = await Registry.ModelWithVersionsAsync(1);
        var editor = await Registry.UserAsync(Roles.Editor);
        SignIn(editor);
        var page = RenderPage<VersionPage>(p => p.Add(x => x.Name, name).Add(x => x.Number, 1));
        page.WaitForAssertion(() => Assert.True(page.Button("Edit description")!.IsEnabled()));

        await page.ClickNowAsync("Edit description");
        page.WaitForAssertion(() => Assert.NotNull(page.Button("Save")));
        await page.TypeNowAsync("Description (markdown)", "Trained on **2025** data");
        await page.ClickNowAsync("Save");

        page.WaitForAssertion(() => Assert.Equal("2025", page.Find(".markdown-body strong").TextContent));
        Assert.Equal("Trained on **2025** data", (await Registry.Versions.GetAsync(editor, name, 1)).Description);
        Assert.Equal("Description saved.", LastSnackbar());

        await page.ClickNowAsync("Edit description");
        page.WaitForAssertion(() => Assert.NotNull(page.Button("Save")));
        await page.TypeNowAsync("Description (markdown)", "Mine");
        await Registry.Versions.UpdateDescriptionAsync(owner, name, 1, "Theirs", "Trained on **2025** data");
        await page.ClickNowAsync("Save");

        page.WaitForAssertion(() => Assert.Contains("Someone saved a newer description while you were editing", page.Markup));
        Assert.Equal("Theirs", page.Find("[aria-label='Their description'] .markdown-body").TextContent.Trim());
        Assert.Equal("Theirs", (await Registry.Versions.GetAsync(editor, name, 1)).Description);
        await page.ClickNowAsync("Keep theirs");
        page.WaitForAssertion(() => Assert.Equal("Theirs", page.Find(".markdown-body").TextContent.Trim()));
        Assert.Equal("Theirs", (await Registry.Versions.GetAsync(editor, name, 1)).Description);
    }
}
