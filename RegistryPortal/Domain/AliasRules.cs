using System.Text.RegularExpressions;

namespace RegistryPortal.Domain;

/// <summary>Alias names: letters, digits, '_' and '-', at most 255; "latest" and "v&lt;digits&gt;" are reserved.</summary>
public static partial class AliasRules
{
    public const int MaxLength = 255;

    public static void Validate(string? alias)
    {
        if (string.IsNullOrEmpty(alias)) throw RegistryError.InvalidValue("An alias name is required.");
        if (alias.Length > MaxLength)
            throw RegistryError.InvalidValue($"An alias is at most {MaxLength} characters; this one has {alias.Length}.");
        if (!Allowed().IsMatch(alias))
            throw RegistryError.InvalidValue($"Alias '{alias}' may only contain letters, digits, '_' and '-'.");
        if (alias.Equals("latest", StringComparison.OrdinalIgnoreCase))
            throw RegistryError.InvalidValue("'latest' is reserved: it always means the newest version. Choose another alias.");
        if (VersionLike().IsMatch(alias))
            throw RegistryError.InvalidValue($"'{alias}' is reserved: 'v' followed by digits names a version number. Choose another alias.");
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex Allowed();

    [GeneratedRegex("^[vV][0-9]+$")]
    private static partial Regex VersionLike();
}
