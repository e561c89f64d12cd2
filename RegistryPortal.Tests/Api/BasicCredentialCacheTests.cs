using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RegistryPortal.Api;
using RegistryPortal.Data;
using RegistryPortal.Domain;
using RegistryPortal.Security;

namespace RegistryPortal.Tests.Api;

/// <summary>The remembered Basic credentials: keyed by an HMAC, never the password; expire; dropped on a stamp change.</summary>
public class BasicCredentialCacheTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static BasicCredentialCache Cache(ManualClock clock, double minutes = 5) =>
        new(clock, Options.Create(new ApiOptions { CredentialCacheMinutes = minutes }));

    [Fact]
    public void A_key_is_an_HMAC_that_holds_neither_the_password_nor_the_same_value_in_another_process()
    {
        var clock = new ManualClock();
        var (one, other) = (Cache(clock), Cache(clock));

        var key = one.KeyOf("ann@x.test", "S3cret-pass");

        Assert.DoesNotContain("S3cret-pass", key);
        Assert.Equal(44, key.Length); // base64 of 32 bytes
        Assert.Equal(key, one.KeyOf("ann@x.test", "S3cret-pass"));
        Assert.NotEqual(key, one.KeyOf("ann@x.test", "S3cret-pasS"));
        Assert.NotEqual(one.KeyOf("ab", "c"), one.KeyOf("a", "bc")); // the split between name and password counts
        Assert.NotEqual(key, other.KeyOf("ann@x.test", "S3cret-pass")); // each process has its own secret
    }

    [Fact]
    public void An_entry_lasts_its_lifetime_and_can_be_forgotten()
    {
        var clock = new ManualClock();
        var cache = Cache(clock);
        var key = cache.KeyOf("ann", "pw");

        cache.Remember(key, "user-1", "ann", "stamp-1");
        Assert.Equal(new BasicCredentialCache.Entry("user-1", "ann", "stamp-1", clock.Now.AddMinutes(5)), cache.Find(key));
        clock.Now = clock.Now.AddMinutes(4.9);
        Assert.NotNull(cache.Find(key));
        clock.Now = clock.Now.AddMinutes(0.2);
        Assert.Null(cache.Find(key));

        cache.Remember(key, "user-1", "ann", "stamp-1");
        cache.Forget(key);
        Assert.Null(cache.Find(key));
    }

    [Fact]
    public void A_lifetime_of_zero_remembers_nothing()
    {
        var clock = new ManualClock();
        var cache = Cache(clock, 0);
        var key = cache.KeyOf("ann", "pw");

        cache.Remember(key, "user-1", "ann", "stamp-1");

        Assert.Null(cache.Find(key));
    }
}

/// <summary>Over HTTP: a remembered Basic credential stops working at once when the account changes.</summary>
[Collection(ApiCollection.Name)]
public class RememberedBasicCredentialTests(ApiApp app)
{
    private async Task<(ApiUser User, ApplicationUser Stored)> SignedInUserAsync()
    {
        var user = await app.UserAsync(Roles.Reader);
        Assert.Equal(HttpStatusCode.OK, (await user.Client.ApiGetAsync("registered-models/search")).Status); // now remembered
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var stored = (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByIdAsync(user.Actor.UserId))!;
        return (user, stored);
    }

    [Fact]
    public async Task A_remembered_password_is_refused_at_once_after_a_password_change()
    {
        var (user, stored) = await SignedInUserAsync();
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var changed = await users.ChangePasswordAsync((await users.FindByIdAsync(stored.Id))!, ApiApp.UserPassword, "A-New-Passw0rd!");
            Assert.True(changed.Succeeded);
        }

        var old = await user.Client.ApiGetAsync("registered-models/search");
        var renewed = await app.Basic(user.Email, "A-New-Passw0rd!").ApiGetAsync("registered-models/search");

        JsonShape.Error(old, HttpStatusCode.Unauthorized, "UNAUTHENTICATED", "Invalid user name or password.");
        Assert.Equal(HttpStatusCode.OK, renewed.Status);
    }

    [Fact]
    public async Task A_remembered_password_is_refused_at_once_when_an_admin_locks_or_deletes_the_account()
    {
        var (locked, _) = await SignedInUserAsync();
        var (deleted, _) = await SignedInUserAsync();
        var admins = app.Service<UserAdminService>();
        var admin = await AdminActorAsync();

        await admins.LockAsync(admin, locked.Actor.UserId);
        await admins.DeleteAsync(admin, deleted.Actor.UserId);

        Assert.Equal(HttpStatusCode.Unauthorized, (await locked.Client.ApiGetAsync("registered-models/search")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await deleted.Client.ApiGetAsync("registered-models/search")).Status);
    }

    [Fact]
    public async Task Wrong_passwords_still_lock_out_an_account_whose_right_password_is_remembered()
    {
        var (user, _) = await SignedInUserAsync();
        var wrong = app.Basic(user.Email, "not-the-password");

        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.ApiGetAsync("registered-models/search")).Status);
        var right = await user.Client.ApiGetAsync("registered-models/search");

        JsonShape.Error(right, HttpStatusCode.Unauthorized, "UNAUTHENTICATED",
            "This account is locked out after too many failed sign-ins. Try again later, or ask an admin.");
    }

    private Task<Actor> AdminActorAsync() => app.Factory.AdminAsync();
}

public sealed class FewFailedSignInsApp() : ApiApp(new Dictionary<string, string?> { ["Api:FailedSignInsPerMinute"] = "3" });

/// <summary>An address that keeps failing to sign in is told to wait (429, Retry-After) before any password is checked.</summary>
public class FailedSignInLimitTests(FewFailedSignInsApp app) : IClassFixture<FewFailedSignInsApp>
{
    [Fact]
    public async Task After_the_failures_an_address_may_make_it_gets_429_with_Retry_After_but_remembered_credentials_still_work()
    {
        var remembered = await app.UserAsync(Roles.Reader);
        Assert.Equal(HttpStatusCode.OK, (await remembered.Client.ApiGetAsync("registered-models/search")).Status);
        var other = await app.UserAsync(Roles.Reader);
        var wrong = app.Basic("nobody@test.local", "guess");

        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.ApiGetAsync("registered-models/search")).Status);
        var limited = await wrong.ApiGetAsync("registered-models/search");
        var rightButUncached = await other.Client.ApiGetAsync("registered-models/search");
        var badToken = await app.Anonymous().CallWithBearerAsync("rpat_not-a-token");

        JsonShape.Error(limited, (HttpStatusCode)429, "REQUEST_LIMIT_EXCEEDED", null);
        Assert.Matches("^Too many failed sign-ins from your address: try again in [0-9]+ seconds\\.$", (string?)limited.Json["message"]);
        Assert.InRange(int.Parse(limited.Message.Headers.GetValues("Retry-After").Single()), 1, 60);
        Assert.Equal((HttpStatusCode)429, rightButUncached.Status);
        Assert.Equal((HttpStatusCode)429, badToken.Status);
        Assert.Equal(HttpStatusCode.OK, (await remembered.Client.ApiGetAsync("registered-models/search")).Status);
    }
}

internal static class BearerCalls
{
    public static Task<ApiResponse> CallWithBearerAsync(this HttpClient client, string token)
    {
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client.ApiGetAsync("registered-models/search");
    }
}
