using System.Net;
using System.Reflection;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RegistryPortal.Components.Account;
using RegistryPortal.Data;
using RegistryPortal.Domain;
using RegistryPortal.Search;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Components.Account;

/// <summary>Sign-in, lockout, antiforgery and access tokens as a browser meets them: real HTTP requests to the real app.</summary>
public class AccountHttpTests(PortalHost app) : IClassFixture<PortalHost>
{
    private async Task<HttpClient> SignedInAsync(string email, string password)
    {
        var client = app.Browser();
        var response = await client.SignInAsync(email, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.EndsWith("/models", response.Headers.Location!.ToString());
        return client;
    }

    public static TheoryData<string, bool> PagesWithForms => new()
    {
        { "/Account/Login", false },
        { "/Account/Manage", true },
        { "/Account/Manage/ChangePassword", true },
        { "/Account/Manage/Tokens", true },
        { "/models", true },
        { "/admin/users", true },
    };

    [Theory]
    [MemberData(nameof(PagesWithForms))]
    public async Task Every_post_form_carries_an_antiforgery_token(string url, bool signedIn)
    {
        var (user, email, password) = await app.UserAsync(Roles.Admin);
        await app.Services.GetRequiredService<AccessTokenService>().CreateAsync(user, "listed", DateTime.UtcNow.AddDays(1)); // so the revoke form shows
        var client = signedIn ? await SignedInAsync(email, password) : app.Browser();

        var forms = HttpForms.PostForms(await client.GetPageAsync(url));

        Assert.NotEmpty(forms);
        Assert.All(forms, form => Assert.Contains("name=\"__RequestVerificationToken\"", form));
    }

    public static TheoryData<string, string?, string> Posts => new()
    {
        { "/Account/Login", "login", "Input.Email=x%40y.test&Input.Password=whatever" },
        { "/Account/Logout", null, "ReturnUrl=" },
        { "/Account/Manage", "profile", "Input.DisplayName=Forged" },
        { "/Account/Manage/ChangePassword", "change-password", "Input.OldPassword=User-Passw0rd!&Input.NewPassword=Forged-Passw0rd!&Input.ConfirmPassword=Forged-Passw0rd!" },
        { "/Account/Manage/Tokens", "create-token", "Input.Name=forged&Input.ExpiresInDays=30" },
    };

    [Theory]
    [MemberData(nameof(Posts))]
    public async Task A_post_without_the_antiforgery_token_is_refused_and_changes_nothing(string url, string? handler, string body)
    {
        var (user, email, password) = await app.UserAsync(Roles.Reader);
        var client = await SignedInAsync(email, password);
        var content = handler is null ? body : $"_handler={handler}&{body}";

        var response = await client.PostAsync(url, new StringContent(content, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var account = (await app.Services.GetRequiredService<UserAdminService>().GetAsync(await app.AdminAsync(), user.UserId));
        Assert.NotEqual("Forged", account.DisplayName);
        Assert.Empty(await app.Services.GetRequiredService<AccessTokenService>().ListAsync(user));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Account/Manage")).StatusCode); // still signed in: the logout was refused
        Assert.Equal(HttpStatusCode.Redirect, (await app.Browser().SignInAsync(email, password)).StatusCode); // password unchanged
    }

    [Fact]
    public async Task The_same_posts_with_the_token_are_accepted()
    {
        var (user, email, password) = await app.UserAsync(Roles.Reader);
        var client = await SignedInAsync(email, password);

        var profile = await client.SubmitAsync("/Account/Manage", "profile", new() { ["Input.DisplayName"] = "Renamed" });
        var changed = await client.SubmitAsync("/Account/Manage/ChangePassword", "change-password", new()
        {
            ["Input.OldPassword"] = password, ["Input.NewPassword"] = "Changed-Passw0rd!", ["Input.ConfirmPassword"] = "Changed-Passw0rd!",
        });

        Assert.Equal(HttpStatusCode.Redirect, profile.StatusCode);
        Assert.Equal("Renamed", (await app.Services.GetRequiredService<UserAdminService>().GetAsync(await app.AdminAsync(), user.UserId)).DisplayName);
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await app.Browser().SignInAsync(email, "Changed-Passw0rd!")).StatusCode); // the new password signs in
        Assert.Equal(HttpStatusCode.OK, (await app.Browser().SignInAsync(email, password)).StatusCode); // the old one is refused (the form again)
    }

    [Fact]
    public async Task Signing_out_with_the_layouts_form_clears_the_sign_in_cookie_and_the_next_page_asks_to_sign_in()
    {
        var (_, email, password) = await app.UserAsync(Roles.Reader);
        var client = await SignedInAsync(email, password);
        var page = await client.GetPageAsync("/models");
        var form = System.Text.RegularExpressions.Regex.Match(page, "<form action=\"Account/Logout\".*?</form>", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.True(form.Success, "the signed-in layout has a sign-out form");

        var response = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent(HttpForms.HiddenFields(form.Value)));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Identity.Application=;", StringComparison.Ordinal));
        var manage = await client.GetAsync("/Account/Manage");
        Assert.Equal(HttpStatusCode.Redirect, manage.StatusCode);
        Assert.Contains("/Account/Login", manage.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_against_the_right_one_until_an_admin_unlocks_it()
    {
        var (user, email, password) = await app.UserAsync(Roles.Reader);
        var client = app.Browser();

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            var wrong = await client.SignInAsync(email, "Wrong-Passw0rd!");
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Contains("Wrong email or password", await wrong.Content.ReadAsStringAsync());
        }
        var fifth = await client.SignInAsync(email, "Wrong-Passw0rd!");
        Assert.Equal(HttpStatusCode.Redirect, fifth.StatusCode);
        Assert.EndsWith("/Account/Lockout", fifth.Headers.Location!.ToString());

        var right = await client.SignInAsync(email, password);
        Assert.EndsWith("/Account/Lockout", right.Headers.Location!.ToString());
        var admin = await app.AdminAsync();
        var users = app.Services.GetRequiredService<UserAdminService>();
        var locked = await users.GetAsync(admin, user.UserId);
        Assert.True(locked.IsLockedOut);
        Assert.False(locked.LockedByAdmin);

        await users.UnlockAsync(admin, user.UserId);

        Assert.EndsWith("/models", (await client.SignInAsync(email, password)).Headers.Location!.ToString());
    }

    [Fact]
    public async Task An_account_locked_by_an_admin_cannot_sign_in()
    {
        var (user, email, password) = await app.UserAsync(Roles.Reader);
        await app.Services.GetRequiredService<UserAdminService>().LockAsync(await app.AdminAsync(), user.UserId);

        var response = await app.Browser().SignInAsync(email, password);

        Assert.EndsWith("/Account/Lockout", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task A_token_is_shown_once_on_the_tokens_page_stored_hashed_and_works_until_revoked()
    {
        var (user, email, password) = await app.UserAsync(Roles.Reader);
        var client = await SignedInAsync(email, password);
        var tokens = app.Services.GetRequiredService<AccessTokenService>();

        var created = await client.SubmitAsync("/Account/Manage/Tokens", "create-token", new() { ["Input.Name"] = "CI pipeline", ["Input.ExpiresInDays"] = "90" });

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var html = await created.Content.ReadAsStringAsync();
        var secret = System.Text.RegularExpressions.Regex.Match(html, "data-testid=\"new-token\"[^>]*>(?<s>rpat_[^<]+)<").Groups["s"].Value;
        Assert.StartsWith("rpat_", secret);
        Assert.Equal(user, await tokens.AuthenticateAsync(secret));
        var listed = Assert.Single(await tokens.ListAsync(user));
        Assert.Equal("CI pipeline", listed.Name);
        Assert.InRange(listed.ExpiresAt, DateTime.UtcNow.AddDays(89.9), DateTime.UtcNow.AddDays(90.1));
        Assert.NotNull(listed.LastUsedAt);

        var again = await client.GetPageAsync("/Account/Manage/Tokens");
        Assert.DoesNotContain(secret, again);
        Assert.Contains("CI pipeline", again);
        Assert.Contains(listed.Prefix, again);

        var revoked = await client.SubmitAsync("/Account/Manage/Tokens", "revoke-token", new() { ["RevokeId"] = listed.Id.ToString() });

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Null(await tokens.AuthenticateAsync(secret));
        Assert.Empty(await tokens.ListAsync(user));
    }

    [Fact]
    public async Task Revoking_someone_elses_token_through_the_form_is_refused()
    {
        var (owner, _, _) = await app.UserAsync(Roles.Reader);
        var tokens = app.Services.GetRequiredService<AccessTokenService>();
        var theirs = await tokens.CreateAsync(owner, "theirs", DateTime.UtcNow.AddDays(7));
        var (_, email, password) = await app.UserAsync(Roles.Manager);
        var client = await SignedInAsync(email, password);
        await tokens.CreateAsync(new Actor((await app.Services.GetRequiredService<UserAdminService>()
            .ListAsync(await app.AdminAsync(), new UserQuery(email))).Items.Single().Id), "mine", DateTime.UtcNow.AddDays(7)); // so the form is there

        var response = await client.SubmitAsync("/Account/Manage/Tokens", "revoke-token", new() { ["RevokeId"] = theirs.Token.Id.ToString() });

        Assert.Contains("does not exist", await response.Content.ReadAsStringAsync());
        Assert.Equal(owner, await tokens.AuthenticateAsync(theirs.Secret));
    }

    [Fact]
    public async Task A_signed_in_non_admin_gets_no_admin_page_and_an_admin_does()
    {
        var (_, readerEmail, password) = await app.UserAsync(Roles.Reader);
        var reader = await SignedInAsync(readerEmail, password);
        var (_, adminEmail, adminPassword) = await app.UserAsync(Roles.Admin);
        var admin = await SignedInAsync(adminEmail, adminPassword);

        var refused = await reader.GetAsync("/admin/users");
        var shown = await admin.GetPageAsync("/admin/users");

        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Contains("/Account/AccessDenied", refused.Headers.Location!.ToString());
        Assert.DoesNotContain("New user", await refused.Content.ReadAsStringAsync());
        Assert.Contains("New user", shown);
        var anonymous = await app.Browser().GetAsync("/admin/audit");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Contains("/Account/Login", anonymous.Headers.Location!.ToString());
    }

    /// <summary>
    /// Open browser sessions revalidate every 30 s against the account's security stamp: a role change or a lock
    /// renews it, so the session is refused at its next revalidation; a grant does not touch it.
    /// </summary>
    [Fact]
    public async Task Role_changes_and_locks_end_open_sessions_at_the_next_revalidation_grants_do_not()
    {
        var admin = await app.AdminAsync();
        var users = app.Services.GetRequiredService<UserAdminService>();
        var (promoted, _, _) = await app.UserAsync(Roles.Reader);
        var (locked, _, _) = await app.UserAsync(Roles.Reader);
        var (granted, _, _) = await app.UserAsync(Roles.Reader);
        var promotedSession = await SessionOfAsync(promoted);
        var lockedSession = await SessionOfAsync(locked);
        var grantedSession = await SessionOfAsync(granted);
        Assert.True(await RevalidatesAsync(promotedSession));
        Assert.True(await RevalidatesAsync(lockedSession));

        await users.SetRolesAsync(admin, promoted.UserId, [Roles.Editor]);
        await users.LockAsync(admin, locked.UserId);
        var model = (await app.Services.GetRequiredService<RegistryPortal.Registry.ModelService>().CreateAsync(admin, $"m-{Guid.NewGuid():N}"[..12])).Name;
        await app.Services.GetRequiredService<ModelPermissionService>().GrantAsync(admin, model, granted.UserId, PermissionLevel.Manage);

        Assert.False(await RevalidatesAsync(promotedSession));
        Assert.False(await RevalidatesAsync(lockedSession));
        Assert.True(await RevalidatesAsync(grantedSession));
        Assert.Equal(TimeSpan.FromSeconds(30), IdentitySetup.RevalidationInterval);
    }

    /// <summary>The principal a sign-in puts in the cookie, security stamp included.</summary>
    private async Task<ClaimsPrincipal> SessionOfAsync(Actor actor)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var factory = scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ApplicationUser>>();
        return await factory.CreateAsync((await users.FindByIdAsync(actor.UserId))!);
    }

    /// <summary>What the circuit's revalidating authentication state provider answers for the session.</summary>
    private async Task<bool> RevalidatesAsync(ClaimsPrincipal session)
    {
        var provider = new IdentityRevalidatingAuthenticationStateProvider(app.Services.GetRequiredService<ILoggerFactory>(),
            app.Services.GetRequiredService<IServiceScopeFactory>(), app.Services.GetRequiredService<IOptions<IdentityOptions>>());
        var validate = typeof(IdentityRevalidatingAuthenticationStateProvider).GetMethod("ValidateAuthenticationStateAsync", BindingFlags.Instance | BindingFlags.NonPublic)!;
        var answer = await (Task<bool>)validate.Invoke(provider, [new AuthenticationState(session), CancellationToken.None])!;
        ((IDisposable)provider).Dispose();
        return answer;
    }
}
