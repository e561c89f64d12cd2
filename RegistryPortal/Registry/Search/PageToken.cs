using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RegistryPortal.Domain;

namespace RegistryPortal.Registry.Search;

/// <summary>
/// Opaque page tokens for the registry and experiment searches: a keyset cursor — the sort-key values of the last row
/// of the page — plus a fingerprint of the search (what it searches, its filter and its order).
/// <para>
/// Why a keyset rather than an offset: the next page is "the rows after this one in this order", found
/// by a WHERE on the sort keys, so rows registered (or deleted) while a client pages never shift the
/// pages: nothing is skipped or returned twice. A row added after the cursor's position shows up on a
/// later page; one added before it does not (it was not there when that part was read). A row whose
/// sort key changes while paging (ordering by last_updated_timestamp and it gets updated) moves like
/// in any live list. Tokens hold no secrets (values of columns the caller may read) and need no
/// server state; a token from another search is refused instead of returning a wrong page.
/// </para>
/// </summary>
internal static class PageToken
{
    private const int FormatVersion = 1;

    /// <param name="what">What the search searches ("Models", "Versions", "Experiments").</param>
    public static string Fingerprint(string what, string? filter, string orderSignature)
    {
        var text = $"{what}\n{filter?.Trim() ?? ""}\n{orderSignature}";
        return Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 12));
    }

    public static string Create(string fingerprint, IReadOnlyList<string?> cursor)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new Content(FormatVersion, fingerprint, cursor.ToArray()));
        return Convert.ToBase64String(json).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The cursor in <paramref name="token"/>, or null for no token (the first page).</summary>
    public static IReadOnlyList<string?>? Read(string? token, string fingerprint, int keyCount)
    {
        if (string.IsNullOrEmpty(token)) return null;
        Content? content;
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
            content = JsonSerializer.Deserialize<Content>(Convert.FromBase64String(base64));
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw Invalid();
        }
        if (content is null || content.V != FormatVersion || content.After is null || content.After.Length != keyCount)
            throw Invalid();
        if (content.Q != fingerprint)
            throw RegistryError.InvalidValue(
                "Invalid page_token: it belongs to a search with another filter or order_by. Repeat the same search to get its next page.");
        return content.After;
    }

    public static RegistryError Invalid() => RegistryError.InvalidValue(
        "Invalid page_token: pass the next_page_token returned by the previous page of the same search, unchanged.");

    private sealed record Content(int V, string Q, string?[] After);
}
