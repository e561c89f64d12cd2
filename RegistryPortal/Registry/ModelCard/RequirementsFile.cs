namespace RegistryPortal.Registry.ModelCard;

/// <summary>pip's requirements.txt: one requirement a line, "#" comments.</summary>
public static class RequirementsFile
{
    public static IReadOnlyList<string> Lines(string text) =>
        text.Split('\n').Select(l => (l.IndexOf('#') is var hash and >= 0 ? l[..hash] : l).Trim()).Where(l => l.Length > 0).ToList();

    /// <summary>
    /// The package a line is about, as pip compares names ("scikit_learn==1.5" and "Scikit-Learn>=1" both name
    /// scikit-learn), so a changed version is one row, not a removed and an added one.
    /// </summary>
    public static string PackageOf(string line)
    {
        var end = line.IndexOfAny(['=', '<', '>', '!', '~', ';', '[', '@', ' ']);
        return (end < 0 ? line : line[..end]).Trim().ToLowerInvariant().Replace('_', '-').Replace('.', '-');
    }
}
