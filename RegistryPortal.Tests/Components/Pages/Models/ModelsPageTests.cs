using Bunit;
using RegistryPortal.Components.Pages.Models;
using RegistryPortal.Domain;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Components.Pages.Models;

public class ModelsPageTests : PageTestContext
{
    [Fact]
    public async Task A_reader_sees_each_model_with_its_latest_staging_and_production_versions()
    {
        var (name, owner) = await Registry.ModelWithVersionsAsync(3, "fraud-detector");
        await Registry.Stages.TransitionAsync(owner, name, 2, "Production");
        await Registry.Stages.TransitionAsync(owner, name, 3, "Staging");
        await Registry.ModelWithVersionsAsync(0, "churn-predictor");
        SignIn(await Registry.UserAsync(Roles.Reader));

        var page = RenderPage<ModelsPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tbody tr").Count));
        var fraud = page.FindAll("tbody tr").Single(r => r.TextContent.Contains("fraud-detector"));
        Assert.Equal(["fraud-detector", "Version 3", "Version 3", "Version 2"], fraud.QuerySelectorAll("td").Take(4).Select(td => td.TextContent.Trim()));
        Assert.Equal("models/fraud-detector", fraud.QuerySelector("a")!.GetAttribute("href"));
        var churn = page.FindAll("tbody tr").Single(r => r.TextContent.Contains("churn-predictor"));
        Assert.Equal(["churn-predictor", "—", "—", "—"], churn.QuerySelectorAll("td").Take(4).Select(td => td.TextContent.Trim()));
    }

    [Fact]
    public async Task An_empty_registry_says_what_to_do_first()
    {
        SignIn(await Registry.UserAsync(Roles.Reader));

        var page = RenderPage<ModelsPage>();

        page.WaitForAssertion(() => Assert.Contains("No models yet", page.Markup));
    }

    [Fact]
    public async Task A_user_without_any_role_sees_only_the_models_granted_to_them()
    {
        var (granted, owner) = await Registry.ModelWithVersionsAsync(1, "granted-model");
        await Registry.ModelWithVersionsAsync(1, "hidden-model");
        var outsider = await Registry.UserAsync();
        await Registry.Permissions.GrantAsync(owner, granted, outsider.UserId, PermissionLevel.Read);
        SignIn(outsider);

        var page = RenderPage<ModelsPage>();

        page.WaitForAssertion(() => Assert.Contains("granted-model", page.Markup));
        Assert.DoesNotContain("hidden-model", page.Markup);
        Assert.Single(page.FindAll("tbody tr"));
    }

    [Fact]
    public async Task Typing_in_the_search_box_filters_by_name_ignoring_case()
    {
        await Registry.ModelWithVersionsAsync(0, "fraud-detector");
        await Registry.ModelWithVersionsAsync(0, "churn-predictor");
        SignIn(await Registry.UserAsync(Roles.Reader));
        var page = RenderPage<ModelsPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tbody tr").Count));

        page.Find("input[aria-label='Search models']").Input("FRAUD");

        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr")), TimeSpan.FromSeconds(3));
        Assert.Contains("fraud-detector", page.Find("tbody").TextContent);
    }
}
