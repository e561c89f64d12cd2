using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace RegistryPortal.Api;

/// <summary>
/// Basic credentials verified recently, so MLflow's clients (which send the password on every call) pay the
/// password hash once every few minutes instead of on every request. An entry is keyed by an HMAC of the user
/// name and password with a secret made at start (never the password), and holds the account's security stamp:
/// the caller drops it as soon as the stamp in the database differs (password change, lock, delete). A wrong
/// password never matches an entry, so it always costs a full check and counts toward lockout.
/// </summary>
public sealed class BasicCredentialCache(TimeProvider clock, IOptions<ApiOptions> settings)
{
    /// <summary>Above this many entries the expired ones are swept; a flood of distinct credentials cannot grow it without bound.</summary>
    private const int MaxEntries = 10_000;

    public sealed record Entry(string UserId, string? UserName, string SecurityStamp, DateTimeOffset Expires);

    private readonly byte[] secret = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    private readonly TimeSpan lifetime = TimeSpan.FromMinutes(settings.Value.CredentialCacheMinutes);

    /// <summary>The key of a user name and password: HMAC-SHA256 with this process's secret, the name's length first so no two pairs share a text.</summary>
    public string KeyOf(string login, string password) =>
        Convert.ToBase64String(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes($"{login.Length}:{login}{password}")));

    /// <summary>The account a key was verified for, while its entry lasts.</summary>
    public Entry? Find(string key)
    {
        if (!entries.TryGetValue(key, out var entry)) return null;
        if (entry.Expires > clock.GetUtcNow()) return entry;
        entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
        return null;
    }

    public void Remember(string key, string userId, string? userName, string? securityStamp)
    {
        if (lifetime <= TimeSpan.Zero || string.IsNullOrEmpty(securityStamp)) return;
        var now = clock.GetUtcNow();
        if (entries.Count >= MaxEntries)
        {
            foreach (var (k, e) in entries)
                if (e.Expires <= now) entries.TryRemove(k, out _);
            if (entries.Count >= MaxEntries) entries.Clear();
        }
        entries[key] = new Entry(userId, userName, securityStamp, now + lifetime);
    }

    public void Forget(string key) => entries.TryRemove(key, out _);
}
