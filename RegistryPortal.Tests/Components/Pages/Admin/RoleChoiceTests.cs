using Bunit;
using RegistryPortal.Components.Pages.Admin.Components;
using RegistryPortal.Domain;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Components.Pages.Admin;

/// <summary>The role picker: one level, as a radio list, in the words of the permission levels.</summary>
public class RoleChoiceTests : PageTestContext
{
    private static string[] Labels(IRenderedComponent<RoleChoice> picker) =>
        [.. picker.FindAll("label.mud-radio").Select(l => l.TextContent.Trim())];

    [Fact]
    public void Offers_one_level_per_role_in_order_with_the_permission_words_and_checks_the_chosen_one()
    {
        var picker = Render<RoleChoice>(p => p.Add(x => x.Selected, Roles.StagingManager));

        Assert.Equal(["No access", "Read", "Edit", "Manage Staging Versions", "Manage Production Versions", "Manage", "Admin"], Labels(picker));
        Assert.Equal(7, picker.FindAll("input[type=radio]").Count);
        Assert.Equal(["Manage Staging Versions"],
            picker.FindAll("label.mud-radio").Where(l => l.QuerySelector("input")!.HasAttribute("checked")).Select(l => l.TextContent.Trim()));
        Assert.Equal("Role", picker.Find("[role=radiogroup]").GetAttribute("aria-label"));
    }

    [Fact]
    public void Choosing_a_level_replaces_the_choice_and_reports_its_role()
    {
        var reported = new List<string>();
        var picker = Render<RoleChoice>(p => p
            .Add(x => x.Selected, Roles.Reader)
            .Add(x => x.SelectedChanged, (string role) => reported.Add(role)));

        picker.Radio("Manage").Click();
        picker.Radio("No access").Click();

        Assert.Equal([Roles.Manager, RoleChoice.NoRole], reported);
        Assert.Equal([], RoleChoice.RolesOf(RoleChoice.NoRole));
        Assert.Equal([Roles.Manager], RoleChoice.RolesOf(Roles.Manager));
    }

    [Theory]
    [InlineData(new string[0], null)]
    [InlineData(new[] { Roles.Reader }, Roles.Reader)]
    [InlineData(new[] { Roles.Editor, Roles.Reader }, Roles.Editor)]
    [InlineData(new[] { Roles.Reader, Roles.Admin, Roles.Manager }, Roles.Admin)]
    public void Of_several_roles_the_highest_wins(string[] held, string? highest) =>
        Assert.Equal(highest, Roles.Highest(held));
}
