using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;
using RegistryPortal.Search;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Security;

public class AccessTokenTests
{
    private static DateTime InDays(int days) => DateTime.UtcNow.AddDays(days);

    private static Task<AccessToken> StoredAsync(TestRegistry registry, int id) =>
        registry.QueryAsync(db => db.AccessTokens.AsNoTracking().SingleAsync(t => t.Id == id));

    [Fact]
    public async Task A_new_token_is_returned_once_and_only_its_SHA256_hash_is_stored()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var user = await registry.UserAsync(Roles.Reader);

        var created = await registry.Tokens.CreateAsync(user, "CI pipeline", InDays(30));

        Assert.StartsWith("rpat_", created.Secret);
        Assert.True(created.Secret.Length >= 40);
        var stored = await StoredAsync(registry, created.Token.Id);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(created.Secret))), stored.SecretHash);
        foreach (var column in new[] { stored.Name, stored.SecretHash, stored.Prefix, stored.UserId })
            Assert.DoesNotContain(created.Secret, column);
        Assert.Equal(created.Secret[..11], stored.Prefix);
        // The list never shows the secret again: it has name, prefix, dates.
        var listed = Assert.Single(await registry.Tokens.ListAsync(user));
        Assert.Equal(("CI pipeline", created.Secret[..11], false, (DateTime?)null), (listed.Name, listed.Prefix, listed.Expired, listed.LastUsedAt));
        Assert.Equal(typeof(AccessTokenView).GetProperties().Select(p => p.Name).Order(),
            new[] { "CreatedAt", "ExpiresAt", "Expired", "Id", "LastUsedAt", "Name", "Prefix" }.Order());
    }

    [Fact]
    public async Task Two_tokens_have_different_secrets()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var user = await registry.UserAsync();
        var a = await registry.Tokens.CreateAsync(user, "a", InDays(1));
        var b = await registry.Tokens.CreateAsync(user, "b", InDays(1));
        Assert.NotEqual(a.Secret, b.Secret);
    }

    [Fact]
    public async Task A_token_authenticates_as_its_owner_with_the_owners_current_rights()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (model, _) = await registry.ModelWithVersionsAsync(1);
        var user = await registry.UserAsync(Roles.Reader);
        var created = await registry.Tokens.CreateAsync(user, "script", InDays(7));

        var actor = await registry.Tokens.AuthenticateAsync(created.Secret);

        Assert.Equal(user, actor);
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Stages.TransitionAsync(actor!, model, 1, "Staging"));
        await registry.SetRolesAsync(user, Roles.StagingManager);
        await registry.Stages.TransitionAsync(actor!, model, 1, "Staging");
    }

    [Theory]
    [InlineData("")]
    [InlineData("rpat_")]
    [InlineData("rpat_not-a-real-token-at-all-0000000000000")]
    [InlineData("Bearer rpat_x")]
    public async Task Unknown_or_malformed_tokens_authenticate_nobody(string token)
    {
        await using var registry = await TestRegistry.CreateAsync();
        await registry.Tokens.CreateAsync(await registry.UserAsync(Roles.Admin), "real", InDays(7));
        Assert.Null(await registry.Tokens.AuthenticateAsync(token));
    }

    [Fact]
    public async Task A_token_that_differs_in_one_character_authenticates_nobody()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var created = await registry.Tokens.CreateAsync(await registry.UserAsync(Roles.Reader), "real", InDays(7));
        var last = created.Secret[^1];
        Assert.Null(await registry.Tokens.AuthenticateAsync(created.Secret[..^1] + (last == 'A' ? 'B' : 'A')));
        Assert.Null(await registry.Tokens.AuthenticateAsync(created.Secret.ToUpperInvariant()));
        Assert.NotNull(await registry.Tokens.AuthenticateAsync(created.Secret));
    }

    [Fact]
    public async Task Using_a_token_records_its_last_use()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var user = await registry.UserAsync(Roles.Reader);
        var created = await registry.Tokens.CreateAsync(user, "ci", InDays(7));
        var before = DateTime.UtcNow.AddSeconds(-1);

        await registry.Tokens.AuthenticateAsync(created.Secret);

        var used = Assert.Single(await registry.Tokens.ListAsync(user)).LastUsedAt;
        Assert.NotNull(used);
        Assert.InRange(used.Value, before, DateTime.UtcNow.AddSeconds(1));
        Assert.Equal(DateTimeKind.Utc, used.Value.Kind);
    }

    [Fact]
    public async Task An_expired_token_authenticates_nobody_and_is_listed_as_expired()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var user = await registry.UserAsync(Roles.Reader);
        var created = await registry.Tokens.CreateAsync(user, "old", InDays(1));
        Assert.NotNull(await registry.Tokens.AuthenticateAsync(created.Secret));

        await registry.QueryAsync(db => db.AccessTokens.Where(t => t.Id == created.Token.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, DateTime.UtcNow.AddSeconds(-1))));

        Assert.Null(await registry.Tokens.AuthenticateAsync(created.Secret));
        Assert.True(Assert.Single(await registry.Tokens.ListAsync(user)).Expired);
    }

    [Fact]
    public async Task The_expiry_must_be_in_the_future_and_within_a_year()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var user = await registry.UserAsync();
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Tokens.CreateAsync(user, "past", DateTime.UtcNow.AddMinutes(-1)), "in the future");
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Tokens.CreateAsync(user, "forever", InDays(367)), "at most 366 days");
        await registry.Tokens.CreateAsync(user, "a year", InDays(365));
        Assert.Single(await registry.Tokens.ListAsync(user));
    }

    [Fact]
    public async Task A_token_needs_a_name_unique_among_the_users_tokens()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var user = await registry.UserAsync();
        var other = await registry.UserAsync();
        await registry.Tokens.CreateAsync(user, "ci", InDays(1));

        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Tokens.CreateAsync(user, "  ", InDays(1)), "Give the token a name");
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Tokens.CreateAsync(user, new string('n', 101), InDays(1)), "at most 100");
        await Expect.RefusalAsync(ErrorKind.AlreadyExists, () => registry.Tokens.CreateAsync(user, " ci ", InDays(1)), "already have a token named 'ci'");
        await registry.Tokens.CreateAsync(other, "ci", InDays(1));
        Assert.Single(await registry.Tokens.ListAsync(user));
    }

    [Fact]
    public async Task A_revoked_token_stops_working_at_once()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var user = await registry.UserAsync(Roles.Reader);
        var keep = await registry.Tokens.CreateAsync(user, "keep", InDays(7));
        var revoke = await registry.Tokens.CreateAsync(user, "revoke", InDays(7));

        await registry.Tokens.RevokeAsync(user, revoke.Token.Id);

        Assert.Null(await registry.Tokens.AuthenticateAsync(revoke.Secret));
        Assert.NotNull(await registry.Tokens.AuthenticateAsync(keep.Secret));
        Assert.Equal(["keep"], (await registry.Tokens.ListAsync(user)).Select(t => t.Name));
    }

    [Fact]
    public async Task Only_the_owner_or_an_admin_revokes_a_token_and_others_do_not_see_it()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var owner = await registry.UserAsync(Roles.Reader);
        var stranger = await registry.UserAsync(Roles.Manager);
        var created = await registry.Tokens.CreateAsync(owner, "mine", InDays(7));

        Assert.Empty(await registry.Tokens.ListAsync(stranger));
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Tokens.RevokeAsync(stranger, created.Token.Id), "does not exist");
        Assert.NotNull(await registry.Tokens.AuthenticateAsync(created.Secret));

        await registry.Tokens.RevokeAsync(await registry.FirstAdminAsync(), created.Token.Id);
        Assert.Null(await registry.Tokens.AuthenticateAsync(created.Secret));
    }

    [Fact]
    public async Task A_locked_owners_tokens_stop_working_until_unlocked()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.FirstAdminAsync();
        var user = await registry.UserAsync(Roles.Reader);
        var created = await registry.Tokens.CreateAsync(user, "ci", InDays(7));

        await registry.UserAdmin.LockAsync(admin, user.UserId);
        Assert.Null(await registry.Tokens.AuthenticateAsync(created.Secret));
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Tokens.CreateAsync(user, "another", InDays(7)), "locked");

        await registry.UserAdmin.UnlockAsync(admin, user.UserId);
        Assert.Equal(user, await registry.Tokens.AuthenticateAsync(created.Secret));
    }
}
