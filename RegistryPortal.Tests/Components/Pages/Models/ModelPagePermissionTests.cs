using Bunit;
using RegistryPortal.Components.Pages.Models;
using RegistryPortal.Domain;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Components.Pages.Models;

/// <summary>What the model page and the models list offer each role, stated literally.</summary>
public class ModelPagePermissionTests : PageTestContext
{
    public static TheoryData<string, bool, bool> Expectations => new()
    {
        // role, may edit (register a version, tags, description), may manage (rename, delete, settings)
        { Roles.Reader, false, false },
        { Roles.Editor, true, false },
        { Roles.StagingManager, true, false },
        { Roles.ProductionManager, true, false },
        { Roles.Manager, true, true },
    };

    [Theory]
    [MemberData(nameof(Expectations))]
    public async Task Each_role_sees_exactly_the_model_actions_it_may_take(string role, bool mayEdit, bool mayManage)
    {
        var (name, _) = await Registry.ModelWithVersionsAsync(2);
        SignIn(await Registry.UserAsync(role));

        var page = RenderPage<ModelPage>(p => p.Add(x => x.Name, name));

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[aria-label=Versions] tbody tr").Count));
        Assert.Equal(mayEdit, page.Button("Register Model")!.IsEnabled());
        Assert.Equal(mayEdit, page.Button("Edit description")!.IsEnabled());
        Assert.Equal(mayEdit, page.Button("Add tag") is not null);
        Assert.Equal(mayManage, page.Button("Rename")!.IsEnabled());
        Assert.Equal(mayManage, page.Button("Delete model")!.IsEnabled());
        Assert.Equal(mayManage, !page.Find("input[type=checkbox].mud-switch-input, .mud-switch input").HasAttribute("disabled"));
    }

    [Fact]
    public async Task A_manager_cannot_rename_or_delete_while_a_version_is_in_production_and_is_told_why()
    {
        var (name, owner) = await Registry.ModelWithVersionsAsync(1);
        await Registry.Stages.TransitionAsync(owner, name, 1, "Production");
        SignIn(await Registry.UserAsync(Roles.Manager));

        var page = RenderPage<ModelPage>(p => p.Add(x => x.Name, name));

        page.WaitForAssertion(() => Assert.NotNull(page.Button("Delete model")));
        Assert.False(page.Button("Rename")!.IsEnabled());
        Assert.False(page.Button("Delete model")!.IsEnabled());
        Assert.Contains("move them to None or Archived before deleting it", page.Markup);
        Assert.Contains("move them to None or Archived before deleting it", Description(page, "Delete model"));
    }

    [Fact]
    public async Task Each_unavailable_action_says_why_in_text_that_the_button_names_as_its_description()
    {
        var (name, _) = await Registry.ModelWithVersionsAsync(1);
        SignIn(await Registry.UserAsync(Roles.Reader));

        var page = RenderPage<ModelPage>(p => p.Add(x => x.Name, name));

        page.WaitForAssertion(() => Assert.NotNull(page.Button("Register Model")));
        Assert.Equal("Registering a version takes the Edit permission.", Description(page, "Register Model"));
        Assert.Equal("Editing the description takes the Edit permission.", Description(page, "Edit description"));
        Assert.Contains("Manage", Description(page, "Rename"));
        Assert.Contains("Manage", Description(page, "Delete model"));
        Assert.Contains("Changing this setting takes the Manage permission.", page.FindAll(".action-reason").Select(r => r.TextContent));
    }

    /// <summary>The visible text a button names with aria-describedby; fails when it names none.</summary>
    private static string Description<T>(IRenderedComponent<T> page, string button) where T : Microsoft.AspNetCore.Components.IComponent
    {
        var id = page.Button(button)!.GetAttribute("aria-describedby") ?? throw new InvalidOperationException($"'{button}' has no description.");
        return page.Find($"#{id}").TextContent.Trim();
    }

    [Theory]
    [InlineData(Roles.Reader, false)]
    [InlineData(Roles.Editor, true)]
    [InlineData(Roles.Manager, true)]
    public async Task Create_and_register_on_the_models_list_need_the_editor_role(string role, bool enabled)
    {
        SignIn(await Registry.UserAsync(role));

        var page = RenderPage<ModelsPage>();

        page.WaitForAssertion(() => Assert.Contains("No models yet", page.Markup));
        Assert.Equal(enabled, page.Button("Create Model")!.IsEnabled());
        Assert.Equal(enabled, page.Button("Register Model")!.IsEnabled());
    }

    [Fact]
    public async Task A_long_description_shows_cut_to_32_characters_with_the_full_text_on_hover()
    {
        var (name, owner) = await Registry.ModelWithVersionsAsync(1);
        var text = "A gradient boosted model trained on the full 2025 transaction history";
        await Registry.Versions.UpdateDescriptionAsync(owner, name, 1, text);
        SignIn(owner);

        var page = RenderPage<ModelPage>(p => p.Add(x => x.Name, name));

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[aria-label=Versions] tbody tr")));
        var cell = page.Find("td[data-label=Description] span");
        Assert.Equal(text[..31] + "…", cell.TextContent);
        Assert.Equal(32, cell.TextContent.Length);
        Assert.Equal(text, cell.GetAttribute("title"));
    }
}
