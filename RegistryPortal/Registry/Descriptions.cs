using RegistryPortal.Domain;

namespace RegistryPortal.Registry;

/// <summary>Rules shared by model and version descriptions (markdown).</summary>
internal static class Descriptions
{
    public const int MaxLength = 100_000;

    public static void Validate(string? description)
    {
        if (description is { Length: > MaxLength })
            throw RegistryError.InvalidValue($"A description is at most {MaxLength:N0} characters; this one has {description.Length:N0}.");
    }

    /// <summary>
    /// Refuses a save whose editor started from text that is no longer stored: someone else saved in
    /// between. Only the description is compared, so a tag change or a transition meanwhile is no conflict.
    /// </summary>
    public static void EnsureNotStale(string stored, string? editedFrom, string what)
    {
        if (editedFrom is not null && editedFrom != stored)
            throw RegistryError.Conflict(
                $"Someone else saved the description of {what} after you started editing. Reload to see their text, then apply your change again.");
    }
}
