using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using RegistryPortal.Components.Pages.Models;
using RegistryPortal.Components.Shared;
using RegistryPortal.Domain;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Components.Pages.Models;

/// <summary>The dialogs, opened from their pages as a person opens them.</summary>
public class DialogTests : PageTestContext
{
    [Theory]
    [InlineData("a/b", "cannot contain '/'")]
    [InlineData("FRAUD-detector", "already exists")]
    [InlineData(" padded", "cannot start or end with a space")]
    public async Task Create_model_checks_the_name_as_you_type(string typed, string problem)
    {
        await Registry.ModelWithVersionsAsync(0, "fraud-detector");
        SignIn(await Registry.UserAsync(Roles.Editor));
        var page = RenderPage<ModelsPage>();
        page.WaitForAssertion(() => Assert.True(page.Button("Create Model")!.IsEnabled()));

        page.Button("Create Model")!.Click();
        Dialogs.WaitForElement("input").Input(typed);

        Dialogs.WaitForAssertion(() => Assert.Contains(problem, Dialogs.Markup));
        Assert.False(Dialogs.Button("Create")!.IsEnabled());
    }

    [Fact]
    public async Task Create_model_says_a_name_is_missing_only_after_it_was_cleared_or_on_Create()
    {
        var editor = await Registry.UserAsync(Roles.Editor);
        SignIn(editor);
        var page = RenderPage<ModelsPage>();
        page.WaitForAssertion(() => Assert.True(page.Button("Create Model")!.IsEnabled()));

        page.Button("Create Model")!.Click();
        Dialogs.WaitForElement("input");
        Assert.DoesNotContain("Enter a name for the model.", Dialogs.Markup);
        Assert.Empty(Dialogs.FindAll(".mud-input-error"));

        Dialogs.Button("Create")!.Click();
        Dialogs.WaitForAssertion(() => Assert.Contains("Enter a name for the model.", Dialogs.Markup));
        Assert.False(Dialogs.Button("Create")!.IsEnabled());
        Assert.Equal(0, (await Registry.Models.ListAsync(editor, new())).Total);

        Dialogs.Find("input").Input("x");
        Dialogs.WaitForAssertion(() => Assert.DoesNotContain("Enter a name for the model.", Dialogs.Markup));
        Dialogs.Find("input").Input("");
        Dialogs.WaitForAssertion(() => Assert.Contains("Enter a name for the model.", Dialogs.Markup));
    }

    [Fact]
    public async Task Create_model_creates_the_model_owned_by_its_creator()
    {
        var editor = await Registry.UserAsync(Roles.Editor);
        SignIn(editor);
        var page = RenderPage<ModelsPage>();
        page.WaitForAssertion(() => Assert.True(page.Button("Create Model")!.IsEnabled()));

        page.Button("Create Model")!.Click();
        Dialogs.WaitForElement("input").Input("churn-predictor");
        Dialogs.WaitForAssertion(() => Assert.True(Dialogs.Button("Create")!.IsEnabled()));
        Dialogs.Button("Create")!.Click();

        await WaitUntilAsync(async () => (await Registry.Models.ListAsync(editor, new("churn-predictor"))).Total == 1);
        Assert.Equal(editor.UserId, (await Registry.Models.GetAsync(editor, "churn-predictor")).CreatedById);
    }

    [Fact]
    public async Task Delete_model_is_enabled_only_once_the_exact_name_is_typed()
    {
        var (name, owner) = await Registry.ModelWithVersionsAsync(1, "old-model");
        SignIn(owner);
        var page = RenderPage<ModelPage>(p => p.Add(x => x.Name, name));
        page.WaitForAssertion(() => Assert.True(page.Button("Delete model")!.IsEnabled()));

        page.Button("Delete model")!.Click();
        Dialogs.WaitForElement("input").Input("OLD-MODEL");
        Dialogs.WaitForAssertion(() => Assert.False(Dialogs.Button("Delete model")!.IsEnabled()));
        Dialogs.Find("input").Input("old-model");
        Dialogs.WaitForAssertion(() => Assert.True(Dialogs.Button("Delete model")!.IsEnabled()));
        Dialogs.Button("Delete model")!.Click();

        await WaitUntilAsync(async () => (await Registry.Models.ListAsync(owner, new("old-model"))).Total == 0);
    }

    [Fact]
    public async Task Register_model_from_a_run_s_source_uri_adds_the_next_version()
    {
        var (name, owner) = await Registry.ModelWithVersionsAsync(2);
        await Registry.Versions.DeleteAsync(owner, name, 2);
        var runId = await Registry.RunWithModelAsync(owner);
        SignIn(owner);
        RenderPage<ModelPage>(p => p.Add(x => x.Name, name));

        // As the run page opens it: with the run's model folder as the source.
        var shown = Dialogs.InvokeAsync(() => RegisterModelDialog.ShowAsync(Services.GetRequiredService<IDialogService>(), name, $"runs:/{runId}/model"));
        Dialogs.WaitForAssertion(() => Assert.True(Dialogs.Button("Register")!.IsEnabled()));
        Dialogs.Button("Register")!.Click();
        var version = await shown;

        Assert.Equal((3, $"runs:/{runId}/model"), (version!.Version, version.Source)); // 2 was deleted, and is never reused
        Assert.Equal(3, (await Registry.Versions.ListAsync(owner, name)).Items[0].Version);
    }

    [Fact]
    public async Task Register_model_into_an_unreadable_model_is_refused_inside_the_dialog()
    {
        var (name, owner) = await Registry.ModelWithVersionsAsync(1);
        var runId = await Registry.RunWithModelAsync(owner);
        var editor = await Registry.UserAsync(Roles.Reader);
        SignIn(editor);
        RenderPage<ModelsPage>();

        _ = Dialogs.InvokeAsync(() => RegisterModelDialog.ShowAsync(Services.GetRequiredService<IDialogService>(), name, $"runs:/{runId}/model"));
        Dialogs.WaitForAssertion(() => Assert.True(Dialogs.Button("Register")!.IsEnabled()));
        Dialogs.Button("Register")!.Click();

        Dialogs.WaitForAssertion(() => Assert.Contains("You need Edit", Dialogs.Markup));
        Assert.Equal(1, (await Registry.Versions.ListAsync(editor, name)).Total);
    }

    [Fact]
    public async Task Rename_model_renames_it_and_goes_to_the_page_of_its_new_name()
    {
        var (name, owner) = await Registry.ModelWithVersionsAsync(2, "old-model");
        SignIn(owner);
        var page = RenderPage<ModelPage>(p => p.Add(x => x.Name, name));
        page.WaitForAssertion(() => Assert.True(page.Button("Rename")!.IsEnabled()));

        page.Button("Rename")!.Click();
        Dialogs.WaitForElement("input").Input("new-model");
        Dialogs.WaitForAssertion(() => Assert.True(Dialogs.Button("Rename")!.IsEnabled()));
        Dialogs.Button("Rename")!.Click();

        var navigation = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        Dialogs.WaitForAssertion(() => Assert.EndsWith("/models/new-model", navigation.Uri));
        Assert.Empty(Dialogs.FindAll(".mud-dialog"));
        var renamed = await Registry.Models.GetAsync(owner, "new-model");
        Assert.Equal(("new-model", 2), (renamed.Name, renamed.VersionCount));
        await Assert.ThrowsAsync<RegistryError>(() => Registry.Models.GetAsync(owner, "old-model"));
        Assert.Equal("Renamed to 'new-model'.", Services.GetRequiredService<ISnackbar>().ShownSnackbars.Last().Message);
    }

    [Fact]
    public async Task Rename_model_to_a_taken_name_is_refused_in_the_dialog_and_renames_nothing()
    {
        await Registry.ModelWithVersionsAsync(0, "taken-model");
        var (name, owner) = await Registry.ModelWithVersionsAsync(1, "old-model");
        SignIn(owner);
        var page = RenderPage<ModelPage>(p => p.Add(x => x.Name, name));
        page.WaitForAssertion(() => Assert.True(page.Button("Rename")!.IsEnabled()));

        page.Button("Rename")!.Click();
        Dialogs.WaitForElement("input").Input("TAKEN-model");

        Dialogs.WaitForAssertion(() => Assert.Contains("already exists", Dialogs.Markup));
        Assert.False(Dialogs.Button("Rename")!.IsEnabled());
        Assert.Equal("old-model", (await Registry.Models.GetAsync(owner, "old-model")).Name);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100 && !await condition(); i++) await Task.Delay(50);
        Assert.True(await condition());
    }
}
