using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using RegistryPortal.Components.Pages.Models;
using RegistryPortal.Domain;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;
using static RegistryPortal.Tests.TestSupport.FormQueries;

namespace RegistryPortal.Tests.Components.Pages.Models;

/// <summary>The Permissions section of the model page, over the real services.</summary>
public class ModelPermissionsPanelTests : PageTestContext
{
    private IRenderedComponent<ModelPage> Open(string model)
    {
        var page = RenderPage<ModelPage>(p => p.Add(x => x.Name, model));
        page.WaitForAssertion(() => Assert.Contains("Your access:", page.Markup));
        return page;
    }

    private static bool HasSection(IRenderedComponent<ModelPage> page) => page.FindAll("[aria-label=Permissions]").Count > 0;

    /// <summary>Each row of the access table: email → (level, where it comes from, grant shown in the select).</summary>
    private static Dictionary<string, (string Level, string From, string Grant)> Rows(IRenderedComponent<ModelPage> page) =>
        page.FindAll("[aria-label='Users with access'] tbody tr").Where(tr => tr.QuerySelector("td[data-user]") is not null).ToDictionary(
            tr => tr.QuerySelector("td[data-user]")!.GetAttribute("data-user")!,
            tr => (tr.Children[1].TextContent.Trim(), tr.Children[2].TextContent.Trim(), tr.QuerySelector("[role=combobox]")!.TextContent.Trim()));

    private static string Email(int n) => $"user{n}@test.local";

    [Fact]
    public async Task The_section_comes_after_the_versions_and_starts_collapsed()
    {
        var (model, _) = await Registry.ModelWithVersionsAsync(1);
        SignIn(await Registry.FirstAdminAsync());

        var page = Open(model);

        var section = page.Find("[aria-label=Permissions]");
        var details = section.QuerySelector("details.permissions-section")!;
        Assert.False(details.HasAttribute("open"));
        Assert.Equal("Permissions", details.QuerySelector("summary")!.TextContent.Trim());
        var labelled = page.FindAll("[aria-label]").Select(e => e.GetAttribute("aria-label")).ToList();
        Assert.Contains("Versions", labelled);
        Assert.True(labelled.IndexOf("Versions") < labelled.IndexOf("Permissions"), string.Join(", ", labelled));
    }

    public static TheoryData<string, bool> Viewers => new()
    {
        { "Admin", true }, { "Manager", true }, { "creator without roles", true }, { "granted Manage", true },
        { "ProductionManager", false }, { "granted Manage Production Versions", false }, { "Reader", false },
    };

    [Theory]
    [MemberData(nameof(Viewers))]
    public async Task Only_Manage_holders_and_admins_see_the_section(string who, bool sees)
    {
        var (model, creator) = await Registry.ModelWithVersionsAsync(0);
        var admin = await Registry.FirstAdminAsync();
        Actor viewer;
        switch (who)
        {
            case "creator without roles": viewer = creator; await Registry.SetRolesAsync(creator); break;
            case "granted Manage":
                viewer = await Registry.UserAsync(Roles.Reader);
                await Registry.Permissions.GrantAsync(admin, model, viewer.UserId, PermissionLevel.Manage); break;
            case "granted Manage Production Versions":
                viewer = await Registry.UserAsync();
                await Registry.Permissions.GrantAsync(admin, model, viewer.UserId, PermissionLevel.ManageProductionVersions); break;
            default: viewer = await Registry.UserAsync(who); break;
        }
        SignIn(viewer);

        var page = Open(model);

        if (sees) page.WaitForAssertion(() => Assert.NotEmpty(Rows(page)));
        Assert.Equal(sees, HasSection(page));
        Assert.Equal(sees, page.Button("Grant") is not null);
    }

    [Fact]
    public async Task The_table_shows_every_user_with_access_their_level_and_where_it_comes_from()
    {
        var admin = await Registry.FirstAdminAsync();
        var (model, creator) = await Registry.ModelWithVersionsAsync(0);              // user1, Editor, creator
        var reader = await Registry.UserAsync(Roles.Reader);                          // user2: role only
        var granted = await Registry.UserAsync();                                     // user3: grant only
        var raised = await Registry.UserAsync(Roles.Reader);                          // user4: grant above role
        var higherRole = await Registry.UserAsync(Roles.ProductionManager);           // user5: role above grant
        await Registry.UserAsync();                                                   // user6: no access
        var locked = await Registry.UserAsync(Roles.Manager);                         // user7: locked
        await Registry.Permissions.GrantAsync(admin, model, granted.UserId, PermissionLevel.ManageProductionVersions);
        await Registry.Permissions.GrantAsync(admin, model, raised.UserId, PermissionLevel.Manage);
        await Registry.Permissions.GrantAsync(admin, model, higherRole.UserId, PermissionLevel.Read);
        await Registry.UserAdmin.LockAsync(admin, locked.UserId);
        SignIn(creator);

        var page = Open(model);

        page.WaitForAssertion(() => Assert.Equal(6, Rows(page).Count));
        var rows = Rows(page);
        Assert.Equal(("Manage", "Role (Admin)", "No grant"), rows["admin@registry.local"]);
        Assert.Equal(("Manage", "Creator", "No grant"), rows[Email(1)]);
        Assert.Equal(("Read", "Role (Read)", "No grant"), rows[Email(2)]);
        Assert.Equal(("Manage Production Versions", "Grant", "Manage Production Versions"), rows[Email(3)]);
        Assert.Equal(("Manage", "Grant", "Manage"), rows[Email(4)]);
        Assert.Equal(("Manage Production Versions", "Role (Manage Production Versions)", "Read"), rows[Email(5)]);
        Assert.False(rows.ContainsKey(Email(6)));
        Assert.False(rows.ContainsKey(Email(7)));
    }

    [Fact]
    public async Task An_admin_grants_a_level_to_a_user_they_pick_and_it_takes_effect()
    {
        var admin = await Registry.FirstAdminAsync();
        var (model, _) = await Registry.ModelInStagesAsync(Stage.Staging);
        var (other, _) = await Registry.ModelInStagesAsync(Stage.Staging);
        var reader = await Registry.UserAsync(Roles.Reader);
        SignIn(admin);
        var page = Open(model);
        page.WaitForAssertion(() => Assert.NotEmpty(Rows(page)));

        page.Field("User").Input(Email(3));
        Popovers.WaitForAssertion(() => Assert.Contains(Popovers.FindAll("[role=option]"), o => o.TextContent.Contains(Email(3))), TimeSpan.FromSeconds(5));
        Popovers.FindAll("[role=option]").First(o => o.TextContent.Contains(Email(3))).Click();
        page.Choose(Popovers, "Level to grant", "Manage Production Versions");
        page.WaitForAssertion(() => Assert.True(page.Button("Grant")!.IsEnabled()));
        page.Button("Grant")!.Click();

        page.WaitForAssertion(() => Assert.Equal(("Manage Production Versions", "Grant", "Manage Production Versions"), Rows(page)[Email(3)]));
        Assert.Equal(PermissionLevel.ManageProductionVersions, await Registry.Permissions.LevelAsync(reader, model));
        Assert.Equal(PermissionLevel.Read, await Registry.Permissions.LevelAsync(reader, other));
        await Registry.Stages.TransitionAsync(reader, model, 1, "Production");
    }

    [Fact]
    public async Task A_creator_changes_and_revokes_a_grant_from_its_row()
    {
        var (model, creator) = await Registry.ModelWithVersionsAsync(0);
        var user = await Registry.UserAsync();
        await Registry.Permissions.GrantAsync(creator, model, user.UserId, PermissionLevel.Edit);
        SignIn(creator);
        var page = Open(model);
        page.WaitForAssertion(() => Assert.Equal("Edit", Rows(page)[Email(2)].Level));

        page.Choose(Popovers, $"Grant of {Email(2)}", "Manage Staging Versions");

        page.WaitForAssertion(() => Assert.Equal(("Manage Staging Versions", "Grant", "Manage Staging Versions"), Rows(page)[Email(2)]));
        Assert.Equal(PermissionLevel.ManageStagingVersions, await Registry.Permissions.LevelAsync(user, model));

        await page.ClickLabelledNowAsync($"Revoke grant of {Email(2)}");

        page.WaitForAssertion(() => Assert.False(Rows(page).ContainsKey(Email(2)))); // no role, no grant: no access
        await Expect.RefusalAsync(ErrorKind.NotFound, () => Registry.Permissions.LevelAsync(user, model));
        Assert.Equal([ActivityKind.PermissionGranted, ActivityKind.PermissionGranted, ActivityKind.PermissionRevoked],
            (await Registry.EventsAsync(model)).Where(e => e.SubjectUserId == user.UserId).Select(e => e.Kind));
    }

    [Fact]
    public async Task Choosing_no_grant_in_the_row_revokes_it()
    {
        var (model, creator) = await Registry.ModelWithVersionsAsync(0);
        var user = await Registry.UserAsync(Roles.Reader);
        await Registry.Permissions.GrantAsync(creator, model, user.UserId, PermissionLevel.Manage);
        SignIn(creator);
        var page = Open(model);
        page.WaitForAssertion(() => Assert.Equal("Manage", Rows(page)[Email(2)].Level));

        page.Choose(Popovers, $"Grant of {Email(2)}", "No grant");

        page.WaitForAssertion(() => Assert.Equal(("Read", "Role (Read)", "No grant"), Rows(page)[Email(2)]));
        Assert.Empty(await Registry.Permissions.ListAsync(creator, model));
    }

    [Fact]
    public async Task A_grant_made_elsewhere_appears_without_a_reload()
    {
        var (model, creator) = await Registry.ModelWithVersionsAsync(0);
        var user = await Registry.UserAsync();
        SignIn(creator);
        var page = Open(model);
        page.WaitForAssertion(() => Assert.NotEmpty(Rows(page)));
        Assert.False(Rows(page).ContainsKey(Email(2)));

        await Registry.Permissions.GrantAsync(await Registry.FirstAdminAsync(), model, user.UserId, PermissionLevel.Edit);

        page.WaitForAssertion(() => Assert.Equal(("Edit", "Grant", "Edit"), Rows(page)[Email(2)]), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_Manage_holder_who_loses_Manage_meanwhile_is_refused_by_the_service()
    {
        var admin = await Registry.FirstAdminAsync();
        var (model, _) = await Registry.ModelWithVersionsAsync(0);
        var manager = await Registry.UserAsync(Roles.Manager);
        var user = await Registry.UserAsync(Roles.Reader);
        SignIn(manager);
        var page = Open(model);
        page.WaitForAssertion(() => Assert.NotEmpty(Rows(page)));

        await Registry.UserAdmin.SetRolesAsync(admin, manager.UserId, [Roles.Reader]); // the open page still shows the section
        page.Choose(Popovers, $"Grant of {Email(3)}", "Manage");

        page.WaitForAssertion(() => Assert.Contains("You need Manage", Services.GetRequiredService<ISnackbar>().ShownSnackbars.Last().Message));
        Assert.Empty(await Registry.Permissions.ListAsync(admin, model));
    }
}
