namespace RegistryPortal.Domain;

/// <summary>Rules for registered model names: 1–256 characters, no '/', no control characters, no outer spaces.</summary>
public static class ModelName
{
    public const int MaxLength = 256;

    /// <summary>The problem with <paramref name="name"/>, or null when it is a valid model name.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "A model name is required.";
        if (name.Length > MaxLength) return $"A model name is at most {MaxLength} characters; this one has {name.Length}.";
        if (name.Contains('/')) return "A model name cannot contain '/'.";
        if (name.Any(char.IsControl)) return "A model name cannot contain control characters such as tabs or line breaks.";
        if (name != name.Trim()) return "A model name cannot start or end with a space.";
        return null;
    }

    public static void Validate(string? name)
    {
        if (Problem(name) is { } problem) throw RegistryError.InvalidValue(problem);
    }

    /// <summary>The key names are compared by: unique case-insensitively, kept as typed.</summary>
    public static string Normalize(string name) => name.ToUpperInvariant();
}
