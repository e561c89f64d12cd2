using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using RegistryPortal.Data;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Search;

namespace RegistryPortal.Security;

public sealed record AccessTokenView(int Id, string Name, string Prefix, DateTime CreatedAt, DateTime ExpiresAt, DateTime? LastUsedAt, bool Expired);

/// <param name="Secret">The token itself: shown once, never stored.</param>
public sealed record CreatedAccessToken(AccessTokenView Token, string Secret);

/// <summary>
/// Personal access tokens for the HTTP API (<c>Authorization: Bearer &lt;token&gt;</c>). A token acts as
/// its owner, with the owner's current roles and grants; it stops working when it expires, is revoked,
/// or its owner is locked out or deleted. Only a SHA-256 hash of the secret is stored: the secret has
/// 256 random bits, so a fast hash suffices, and a leaked database reveals no usable token.
/// </summary>
public sealed class AccessTokenService(RegistryStore store, IDbContextFactory<RegistryDbContext> factory, TimeProvider clock)
{
    public const string SecretPrefix = "rpat_";
    public const int MaxNameLength = 100;
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(366);
    /// <summary>Last use is written at most this often per token, not on every request.</summary>
    public static readonly TimeSpan LastUseResolution = TimeSpan.FromMinutes(1);

    public Task<CreatedAccessToken> CreateAsync(Actor actor, string name, DateTime expiresAt, CancellationToken ct = default) =>
        store.WriteAsync(actor, async op =>
        {
            if (!op.Access.Active) throw RegistryError.PermissionDenied("Your account is locked: it cannot create tokens.");
            name = name?.Trim() ?? "";
            if (name.Length == 0) throw RegistryError.InvalidValue("Give the token a name that says where it is used, like 'CI pipeline'.");
            if (name.Length > MaxNameLength)
                throw RegistryError.InvalidValue($"A token name is at most {MaxNameLength} characters; this one has {name.Length}.");
            expiresAt = expiresAt.Kind == DateTimeKind.Local ? expiresAt.ToUniversalTime() : DateTime.SpecifyKind(expiresAt, DateTimeKind.Utc);
            if (expiresAt <= op.Now) throw RegistryError.InvalidValue("The expiry must be in the future.");
            if (expiresAt > op.Now + MaxLifetime)
                throw RegistryError.InvalidValue($"A token lives at most {MaxLifetime.TotalDays:0} days. Choose an earlier expiry.");
            if (await op.Db.AccessTokens.AnyAsync(t => t.UserId == op.Actor.UserId && t.Name == name, op.Ct))
                throw RegistryError.AlreadyExists($"You already have a token named '{name}'. Choose another name, or revoke that one.");

            var secret = SecretPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
            var token = new AccessToken
            {
                UserId = op.Actor.UserId, Name = name, SecretHash = Hash(secret), Prefix = secret[..(SecretPrefix.Length + 6)],
                CreatedAt = op.Now, ExpiresAt = expiresAt,
            };
            op.Db.AccessTokens.Add(token);
            await op.Db.SaveChangesAsync(op.Ct);
            return new CreatedAccessToken(View(token, op.Now), secret);
        }, ct);

    /// <summary>The caller's own tokens, newest first.</summary>
    public Task<IReadOnlyList<AccessTokenView>> ListAsync(Actor actor, CancellationToken ct = default) =>
        store.ReadAsync<IReadOnlyList<AccessTokenView>>(actor, async op =>
        {
            var tokens = await op.Db.AccessTokens.Where(t => t.UserId == op.Actor.UserId).OrderByDescending(t => t.Id).ToListAsync(op.Ct);
            return tokens.Select(t => View(t, op.Now)).ToList();
        }, ct);

    /// <summary>Deletes one of the caller's tokens (an admin may revoke anyone's); it stops working at once.</summary>
    public Task RevokeAsync(Actor actor, int tokenId, CancellationToken ct = default) =>
        store.WriteAsync(actor, async op =>
        {
            var token = await op.Db.AccessTokens.FirstOrDefaultAsync(t => t.Id == tokenId, op.Ct);
            if (token is null || (token.UserId != op.Actor.UserId && !op.Access.IsAdmin))
                throw RegistryError.NotFound("That token does not exist (any more). Reload the list.");
            op.Db.AccessTokens.Remove(token);
        }, ct);

    /// <summary>
    /// The actor a bearer token stands for, or null when it is unknown, expired, revoked, or its owner is
    /// locked out or deleted. Records the token's last use. For the HTTP API's authentication.
    /// </summary>
    public async Task<Actor?> AuthenticateAsync(string token, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token) || !token.StartsWith(SecretPrefix, StringComparison.Ordinal) || token.Length > 100) return null;
        var hash = Hash(token);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await factory.CreateDbContextAsync(ct);
        var found = await TokenAndOwnerLock(db, hash, ct);
        if (found is null || found.Token.ExpiresAt <= now || PermissionResolver.IsLockedOut(found.LockoutEnd)) return null;
        if (found.Token.LastUsedAt is not { } last || now - last >= LastUseResolution)
        {
            found.Token.LastUsedAt = now;
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException e) when (RegistryStore.IsBusy(e)) { /* a busy database must not fail the request; the next use records it */ }
        }
        return new Actor(found.Token.UserId);
    }

    private sealed record TokenAndLock(AccessToken Token, DateTimeOffset? LockoutEnd);

    // Every API call with a token runs this: compiled once, tracking the token (its last use may be written).
    private static readonly Func<RegistryDbContext, string, CancellationToken, Task<TokenAndLock?>> TokenAndOwnerLock =
        CompiledQueries.PerContextKind(() => EF.CompileAsyncQuery((RegistryDbContext db, string hash, CancellationToken ct) =>
            db.AccessTokens.AsTracking().Where(t => t.SecretHash == hash)
                .Join(db.Users, t => t.UserId, u => u.Id, (t, u) => new TokenAndLock(t, u.LockoutEnd))
                .FirstOrDefault()));

    internal static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static AccessTokenView View(AccessToken t, DateTime now) =>
        new(t.Id, t.Name, t.Prefix, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.ExpiresAt <= now);
}
