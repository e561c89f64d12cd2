using Bunit;
using RegistryPortal.Components.Pages.Admin;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Components.Pages.Admin;

/// <summary>The Roles page against the permission table, written out here independently of the code's.</summary>
public class RolesPageTests : PageTestContext
{
    // The table's rows (what a user may do) and, for each, the lowest level and the roles that may do it.
    private static readonly (string Row, string Lowest, string[] Roles)[] Table =
    [
        ("See models, versions, requests, activity; download artifacts; request a transition; comment", "Read",
            ["Reader", "Editor", "StagingManager", "ProductionManager", "Manager", "Admin"]),
        ("Create a model; register a version; edit descriptions, tags, aliases", "Edit",
            ["Editor", "StagingManager", "ProductionManager", "Manager", "Admin"]),
        ("Move / approve / reject among None, Staging, Archived", "Manage Staging Versions",
            ["StagingManager", "ProductionManager", "Manager", "Admin"]),
        ("Move / approve / reject to or from Production", "Manage Production Versions", ["ProductionManager", "Manager", "Admin"]),
        ("Rename, delete, cancel others' requests, change the model's permissions", "Manage", ["Manager", "Admin"]),
        ("Manage users and roles, every model's grants; read the audit log", "Admin role", ["Admin"]),
    ];

    [Fact]
    public async Task The_table_shows_for_each_ability_exactly_the_roles_that_may_do_it()
    {
        SignIn(await Registry.FirstAdminAsync());

        var page = RenderPage<RolesPage>();

        var header = page.FindAll("table[aria-label='What each role may do'] th, [aria-label='What each role may do'] th").Select(th => th.TextContent.Trim()).Distinct();
        Assert.Equal(["Ability", "Lowest level", "Read", "Edit", "Manage Staging Versions", "Manage Production Versions", "Manage", "Admin"], header);
        var rows = page.FindAll("tr[data-ability]");
        Assert.Equal(Table.Length, rows.Count);
        for (var i = 0; i < Table.Length; i++)
        {
            var cells = rows[i].QuerySelectorAll("td");
            Assert.Equal(Table[i].Row, cells[0].TextContent.Trim());
            Assert.Equal(Table[i].Lowest, cells[1].TextContent.Trim());
            Assert.Equal(Table[i].Roles, rows[i].QuerySelectorAll("td[data-allowed=yes]").Select(td => td.GetAttribute("data-role")!));
            Assert.All(rows[i].QuerySelectorAll("td[data-allowed=yes]"), td => Assert.Equal("✓", td.TextContent.Trim()));
            Assert.All(rows[i].QuerySelectorAll("td[data-allowed=no]"), td => Assert.Equal("—", td.TextContent.Trim()));
        }
    }

    [Fact]
    public async Task Each_role_is_named_after_the_level_it_gives_on_every_model()
    {
        SignIn(await Registry.FirstAdminAsync());

        var page = RenderPage<RolesPage>();

        Assert.Equal(
            [("Reader", "Read", "Read"), ("Editor", "Edit", "Edit"), ("StagingManager", "Manage Staging Versions", "Manage Staging Versions"),
             ("ProductionManager", "Manage Production Versions", "Manage Production Versions"), ("Manager", "Manage", "Manage"), ("Admin", "Admin", "Manage")],
            page.FindAll("tr[data-role]").Select(tr => (tr.GetAttribute("data-role")!, tr.Children[0].TextContent.Trim(), tr.Children[1].TextContent.Trim())));
    }
}
