using System.Globalization;

namespace RegistryPortal.Cli;

/// <summary>
/// A model URI as MLflow's clients write it: <c>models:/NAME/VERSION</c>, <c>models:/NAME/STAGE</c>,
/// <c>models:/NAME/latest</c> or <c>models:/NAME@ALIAS</c>. Exactly one of the last four fields is set.
/// </summary>
internal sealed record ModelUri(string Name, int? Version = null, string? Stage = null, bool Latest = false, string? Alias = null)
{
    private const string Scheme = "models:/";

    public static ModelUri? Parse(string text, out string? error)
    {
        error = $"'{text}' is not a model URI; use models:/NAME/VERSION, models:/NAME/STAGE, models:/NAME/latest or models:/NAME@ALIAS.";
        if (!text.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)) return null;
        var rest = text[Scheme.Length..].Trim('/');
        var slash = rest.LastIndexOf('/');
        if (slash < 0)
        {
            var at = rest.LastIndexOf('@');
            if (at <= 0 || at == rest.Length - 1) return null;
            error = null;
            return new ModelUri(rest[..at], Alias: rest[(at + 1)..]);
        }
        var (name, reference) = (rest[..slash], rest[(slash + 1)..]);
        if (name.Length == 0 || reference.Length == 0) return null;
        ModelUri? uri =
            int.TryParse(reference, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? new ModelUri(name, Version: n)
            : reference.Equals("latest", StringComparison.OrdinalIgnoreCase) ? new ModelUri(name, Latest: true)
            : Stages.Canonical(reference) is { } stage ? new ModelUri(name, Stage: stage)
            : null;
        error = uri is null ? $"'{reference}' in '{text}' is not a version, a stage ({string.Join(", ", Stages.All)}) or 'latest'." : null;
        return uri;
    }
}
