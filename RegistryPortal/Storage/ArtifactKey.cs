using RegistryPortal.Domain;

namespace RegistryPortal.Storage;

/// <summary>The one check every <see cref="IArtifactStore"/> puts a key through, so no key escapes the store's root.</summary>
public static class ArtifactKey
{
    /// <summary>
    /// <paramref name="key"/> with backslashes turned into '/' and a trailing '/' dropped; refuses an empty key (unless
    /// <paramref name="rootAllowed"/>, for folders), an absolute one, and '.', '..', empty or NUL-holding segments.
    /// </summary>
    public static string Check(string key, bool rootAllowed = false)
    {
        var cleaned = key.Replace('\\', '/').TrimEnd('/');
        if (cleaned.Length == 0)
        {
            if (rootAllowed) return "";
            throw RegistryError.InvalidValue("An artifact path is empty: give a relative path such as 'model/MLmodel'.");
        }
        if (cleaned.StartsWith('/') || cleaned.Split('/').Any(s => s is "" or "." or ".." || s.Contains('\0')))
            throw RegistryError.InvalidValue($"'{key}' is not a valid artifact path: use a relative path without '..', '.' or empty parts.");
        return cleaned;
    }

    /// <summary>The key of <paramref name="relative"/> inside <paramref name="folder"/> ("" is the root); both are checked.</summary>
    public static string Join(string folder, string relative)
    {
        var parent = Check(folder, rootAllowed: true);
        var child = Check(relative);
        return parent.Length == 0 ? child : parent + "/" + child;
    }

    /// <summary>The path of <paramref name="key"/> relative to <paramref name="folder"/>, which must contain it.</summary>
    public static string RelativeTo(string folder, string key) =>
        folder.Length == 0 ? key
        : key.StartsWith(folder + "/", StringComparison.Ordinal) ? key[(folder.Length + 1)..]
        : throw new ArgumentException($"'{key}' is not inside '{folder}'.", nameof(key));
}
