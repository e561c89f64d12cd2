using Bunit;
using RegistryPortal.Components.Pages.Models;
using RegistryPortal.Domain;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Components.Pages.Models;

/// <summary>
/// The version page for a user without roles who holds a grant on one model: on that model it offers what the
/// granted level allows; the other model does not exist for them.
/// </summary>
public class GrantedVersionPageTests : PageTestContext
{
    public static TheoryData<PermissionLevel, string[]> Expectations => new()
    {
        // version 1 is in Staging
        { PermissionLevel.Read, ["Request transition to Production", "Request transition to Archived"] },
        { PermissionLevel.Edit, ["Request transition to Production", "Request transition to Archived"] },
        { PermissionLevel.ManageStagingVersions, ["Transition to None", "Transition to Archived", "Request transition to Production"] },
        { PermissionLevel.ManageProductionVersions, ["Transition to None", "Transition to Production", "Transition to Archived"] },
        { PermissionLevel.Manage, ["Transition to None", "Transition to Production", "Transition to Archived"] },
    };

    [Theory]
    [MemberData(nameof(Expectations))]
    public async Task A_grant_shows_its_actions_on_its_model_and_the_other_model_stays_hidden(PermissionLevel level, string[] menuItems)
    {
        var (granted, owner) = await Registry.ModelInStagesAsync(Stage.Staging);
        var (other, _) = await Registry.ModelInStagesAsync(Stage.Staging);
        var user = await Registry.UserAsync();
        await Registry.Permissions.GrantAsync(owner, granted, user.UserId, level);
        SignIn(user);

        var page = RenderPage<VersionPage>(p => p.Add(x => x.Name, granted).Add(x => x.Number, 1));
        page.WaitForAssertion(() => Assert.NotNull(page.Button("Stage: Staging")));
        page.Button("Stage: Staging")!.Click();

        Popovers.WaitForAssertion(() => Assert.Equal(menuItems, Popovers.FindAll(".mud-menu-item").Select(i => i.TextContent.Trim())));
        Assert.Equal(level >= PermissionLevel.Edit, page.Button("Edit description")!.IsEnabled());
        Assert.Equal(level >= PermissionLevel.Edit, page.Button("Add tag") is not null);

        var hidden = Render<VersionPage>(p => p.Add(x => x.Name, other).Add(x => x.Number, 1));
        hidden.WaitForAssertion(() => Assert.Contains($"Registered model '{other}' does not exist", hidden.Markup));
        Assert.Null(hidden.Button("Stage: Staging"));
    }
}
