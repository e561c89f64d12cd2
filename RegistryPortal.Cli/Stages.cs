namespace RegistryPortal.Cli;

/// <summary>The registry's stages, accepted in any case (but without spaces around, as the server) and always sent and printed canonically.</summary>
internal static class Stages
{
    public static readonly IReadOnlyList<string> All = ["None", "Staging", "Production", "Archived"];

    public static string? Canonical(string text) =>
        All.FirstOrDefault(s => s.Equals(text, StringComparison.OrdinalIgnoreCase));

    public static string Unknown(string text) => $"'{text}' is not a stage; use one of {string.Join(", ", All)} (in any case).";
}
