using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using RegistryPortal.Components.Pages.Admin;
using RegistryPortal.Domain;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;
using static RegistryPortal.Tests.TestSupport.FormQueries;

namespace RegistryPortal.Tests.Components.Pages.Admin;

/// <summary>The users page over the real services, as an admin uses it, and as a non-admin who reaches it anyway.</summary>
public class UsersPageTests : PageTestContext
{
    private static string[] ListedEmails(IRenderedComponent<UsersPage> page) =>
        [.. page.FindAll("td[data-user]").Select(td => td.GetAttribute("data-user")!)];

    private async Task<(Actor Admin, IRenderedComponent<UsersPage> Page)> OpenAsAdminAsync()
    {
        var admin = await Registry.FirstAdminAsync();
        SignIn(admin);
        var page = RenderPage<UsersPage>();
        page.WaitForAssertion(() => Assert.Contains("admin@registry.local", ListedEmails(page)));
        return (admin, page);
    }

    private string LastSnackbar() => Services.GetRequiredService<ISnackbar>().ShownSnackbars.Last().Message ?? "";

    [Fact]
    public async Task Users_are_listed_with_their_roles_and_status_and_the_search_narrows_them()
    {
        var admin = await Registry.FirstAdminAsync();
        await Registry.UserAdmin.CreateAsync(admin, new NewUser("ben@corp.test", "Ben", [Roles.Editor, Roles.Reader]));
        var locked = await Registry.UserAdmin.CreateAsync(admin, new NewUser("lou@corp.test", "Lou", []));
        await Registry.UserAdmin.LockAsync(admin, locked.User.Id);
        SignIn(admin);

        var page = RenderPage<UsersPage>();

        page.WaitForAssertion(() => Assert.Equal(["admin@registry.local", "ben@corp.test", "lou@corp.test"], ListedEmails(page)));
        var ben = page.Find("td[data-user='ben@corp.test']").ParentElement!;
        Assert.Equal(["Edit"], ben.QuerySelectorAll(".mud-chip").Select(c => c.TextContent.Trim())); // the highest role
        Assert.Contains("Active", ben.TextContent);
        var lou = page.Find("td[data-user='lou@corp.test']").ParentElement!;
        Assert.Contains("No access", lou.TextContent);
        Assert.Contains("Locked", lou.TextContent);
        Assert.NotNull(page.Labelled("Unlock lou@corp.test"));
        Assert.Null(page.Labelled("Lock lou@corp.test"));

        page.Find("input[placeholder='Search by email or name']").Input("BEN");

        page.WaitForAssertion(() => Assert.Equal(["ben@corp.test"], ListedEmails(page)), TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData("")]
    [InlineData(Roles.Manager)]
    public async Task A_non_admin_who_reaches_the_page_sees_the_services_refusal_and_no_user(string role)
    {
        var user = role == "" ? await Registry.UserAsync() : await Registry.UserAsync(role);
        SignIn(user);

        var page = RenderPage<UsersPage>();

        page.WaitForAssertion(() => Assert.Contains("Only admins may see the user list", page.Markup));
        Assert.Empty(ListedEmails(page));
    }

    [Fact]
    public async Task Creating_a_user_shows_the_generated_password_once_and_it_signs_them_in()
    {
        var (_, page) = await OpenAsAdminAsync();

        page.Button("New user")!.Click();
        Dialogs.WaitForAssertion(() => Dialogs.Field("Email").Input("ada@test.local"));
        Dialogs.Field("Display name").Change("Ada");
        Dialogs.Radio("Edit").Click(); // Read is chosen at first
        Dialogs.Button("Create user")!.Click();

        page.WaitForAssertion(() => Assert.Contains("ada@test.local", ListedEmails(page)));
        var password = page.Find("[data-testid=one-time-password]").TextContent.Trim();
        var created = (await Registry.UserAdmin.ListAsync(await Registry.FirstAdminAsync(), new UserQuery("ada@"))).Items.Single();
        Assert.True(await Registry.PasswordWorksAsync(created.Id, password));
        Assert.Equal("Ada", created.DisplayName);
        Assert.Equal(["Editor"], created.Roles);

        page.Find("[aria-label='One-time password'] button[aria-label]:not([aria-label='Copy password'])").Click();
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=one-time-password]")));
    }

    [Fact]
    public async Task Creating_a_user_with_a_chosen_password_shows_no_password()
    {
        var (_, page) = await OpenAsAdminAsync();

        page.Button("New user")!.Click();
        Dialogs.WaitForAssertion(() => Dialogs.Field("Email").Input("own@test.local"));
        Dialogs.Field("Initial password (optional)").Change("Own-Passw0rd!");
        Dialogs.Button("Create user")!.Click();

        page.WaitForAssertion(() => Assert.Contains("own@test.local", ListedEmails(page)));
        Assert.Empty(page.FindAll("[data-testid=one-time-password]"));
        var created = (await Registry.UserAdmin.ListAsync(await Registry.FirstAdminAsync(), new UserQuery("own@"))).Items.Single();
        Assert.True(await Registry.PasswordWorksAsync(created.Id, "Own-Passw0rd!"));
    }

    [Fact]
    public async Task A_refused_creation_shows_why_and_keeps_the_dialog_open()
    {
        var (admin, page) = await OpenAsAdminAsync();

        page.Button("New user")!.Click();
        Dialogs.WaitForAssertion(() => Dialogs.Field("Email").Input("admin@registry.local"));
        Dialogs.Button("Create user")!.Click();

        Dialogs.WaitForAssertion(() => Assert.Contains("There already is a user with the email admin@registry.local", LastSnackbar()));
        Assert.NotNull(Dialogs.Button("Create user"));
        Assert.Equal(1, (await Registry.UserAdmin.ListAsync(admin, new UserQuery())).Total);
    }

    [Fact]
    public async Task Changing_the_role_in_the_dialog_saves_it_and_the_list_shows_it()
    {
        var admin = await Registry.FirstAdminAsync();
        var user = (await Registry.UserAdmin.CreateAsync(admin, new NewUser("rae@test.local", null, [Roles.Reader]))).User;
        var (_, page) = await OpenAsAdminAsync();
        page.WaitForAssertion(() => Assert.Contains("rae@test.local", ListedEmails(page)));

        await page.ClickLabelledNowAsync("Change role of rae@test.local");
        Dialogs.WaitForAssertion(() => Assert.True(Dialogs.Radio("Read").HasAttribute("checked")));
        Dialogs.Radio("Manage Production Versions").Click();
        Dialogs.Button("Save role")!.Click();

        await EventuallyAsync(async () => (await Registry.RolesOfAsync(user.Id)).SequenceEqual(["ProductionManager"]));
        page.WaitForAssertion(() => Assert.Equal(["Manage Production Versions"],
            page.Find("td[data-user='rae@test.local']").ParentElement!.QuerySelectorAll(".mud-chip").Select(c => c.TextContent.Trim())));
    }

    [Fact]
    public async Task Locking_asks_first_then_locks_and_unlocking_unlocks()
    {
        var admin = await Registry.FirstAdminAsync();
        var user = (await Registry.UserAdmin.CreateAsync(admin, new NewUser("lee@test.local", null, [Roles.Reader]))).User;
        var (_, page) = await OpenAsAdminAsync();
        page.WaitForAssertion(() => Assert.NotNull(page.Labelled("Lock lee@test.local")));

        await page.ClickLabelledNowAsync("Lock lee@test.local");
        Dialogs.WaitForAssertion(() => Assert.Contains("cannot sign in or use access tokens", Dialogs.Markup));
        Assert.False((await Registry.UserAdmin.GetAsync(admin, user.Id)).IsLockedOut); // not before confirming
        Dialogs.Button("Lock")!.Click();

        page.WaitForAssertion(() => Assert.NotNull(page.Labelled("Unlock lee@test.local")));
        Assert.True((await Registry.UserAdmin.GetAsync(admin, user.Id)).LockedByAdmin);

        await page.ClickLabelledNowAsync("Unlock lee@test.local");
        page.WaitForAssertion(() => Assert.NotNull(page.Labelled("Lock lee@test.local")));
        Assert.False((await Registry.UserAdmin.GetAsync(admin, user.Id)).IsLockedOut);
    }

    [Fact]
    public async Task Deleting_the_last_admin_is_refused_with_the_reason()
    {
        var (admin, page) = await OpenAsAdminAsync();

        await page.ClickLabelledNowAsync("Delete admin@registry.local");
        Dialogs.WaitForAssertion(() => Assert.NotNull(Dialogs.Button("Delete")));
        Dialogs.Button("Delete")!.Click();

        page.WaitForAssertion(() => Assert.Contains("last admin who can sign in", LastSnackbar()));
        Assert.NotNull(await Registry.AccountAsync(admin.UserId));
        Assert.Contains("admin@registry.local", ListedEmails(page));
    }

    [Fact]
    public async Task Deleting_a_user_after_confirming_removes_them_and_cancelling_keeps_them()
    {
        var admin = await Registry.FirstAdminAsync();
        var user = (await Registry.UserAdmin.CreateAsync(admin, new NewUser("del@test.local", null, []))).User;
        var (_, page) = await OpenAsAdminAsync();
        page.WaitForAssertion(() => Assert.Contains("del@test.local", ListedEmails(page)));

        await page.ClickLabelledNowAsync("Delete del@test.local");
        Dialogs.WaitForAssertion(() => Assert.Contains("shown as \"deleted user\"", Dialogs.Markup));
        Dialogs.Button("Cancel")!.Click();
        Dialogs.WaitForAssertion(() => Assert.Null(Dialogs.Button("Cancel")));
        Assert.NotNull(await Registry.AccountAsync(user.Id));

        await page.ClickLabelledNowAsync("Delete del@test.local");
        Dialogs.WaitForAssertion(() => Assert.NotNull(Dialogs.Button("Delete")));
        Dialogs.Button("Delete")!.Click();

        page.WaitForAssertion(() => Assert.DoesNotContain("del@test.local", ListedEmails(page)));
        Assert.Null(await Registry.AccountAsync(user.Id));
    }

    [Fact]
    public async Task Resetting_a_password_shows_the_new_one_once()
    {
        var admin = await Registry.FirstAdminAsync();
        var user = (await Registry.UserAdmin.CreateAsync(admin, new NewUser("pat@test.local", null, [], "Old-Passw0rd!"))).User;
        var (_, page) = await OpenAsAdminAsync();
        page.WaitForAssertion(() => Assert.NotNull(page.Labelled("Reset password of pat@test.local")));

        await page.ClickLabelledNowAsync("Reset password of pat@test.local");
        Dialogs.WaitForAssertion(() => Assert.NotNull(Dialogs.Button("Reset password")));
        Dialogs.Button("Reset password")!.Click();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=one-time-password]")));
        Assert.Contains("New password for", page.Markup);
        var password = page.Find("[data-testid=one-time-password]").TextContent.Trim();
        Assert.True(await Registry.PasswordWorksAsync(user.Id, password));
        Assert.False(await Registry.PasswordWorksAsync(user.Id, "Old-Passw0rd!"));
    }
}
