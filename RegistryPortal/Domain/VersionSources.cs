namespace RegistryPortal.Domain;

/// <summary>
/// What a model version's source may be: a URI the portal resolves (<c>runs:/</c>, <c>models:/</c>,
/// <c>mlflow-artifacts:/</c>) or a remote store's (<c>s3://</c>, <c>wasbs://</c>, <c>abfss://</c>, <c>gs://</c>,
/// <c>https://</c>, …). A path on the server's own disk (<c>/etc</c>, <c>file:///…</c>) is refused, as MLflow's
/// server refuses it, unless it lies inside the artifact folder of the version's run, or an admin allows local
/// sources. Nothing later that opens a version's files (downloads, model card, import) can then be pointed at
/// the server's files. '..' segments (also percent-encoded), NUL and control characters are refused everywhere.
/// </summary>
public static class VersionSources
{
    public static readonly IReadOnlyList<string> Schemes =
    [
        "runs:/", "models:/", "mlflow-artifacts:/", "s3://", "s3a://", "gs://", "wasbs://", "wasb://", "abfss://", "abfs://",
        "https://", "dbfs:/", "hdfs://",
    ];

    private const string Accepted = "runs:/, models:/, mlflow-artifacts:/, s3://, gs://, wasbs://, abfss://, https:// or dbfs:/";

    /// <summary>The source without surrounding spaces, or a refusal that says what to fix.</summary>
    /// <param name="isLocalAllowed">Asked for a local path only: whether this path may be registered (inside the run's folder, or allowed by a setting).</param>
    public static string Validate(string? source, Func<string, bool> isLocalAllowed)
    {
        var text = source?.Trim() ?? "";
        if (text.Length == 0)
            throw RegistryError.InvalidValue("A version needs a source: the URI of its model files (for example runs:/<run id>/model).");
        // Percent-decoded twice, so "%2e%2e" and "%252e%252e" are seen as the ".." they stand for.
        var decoded = Uri.UnescapeDataString(Uri.UnescapeDataString(text));
        if (text.Any(char.IsControl) || decoded.Any(char.IsControl))
            throw RegistryError.InvalidValue($"The source '{Printable(text)}' holds a control character (such as NUL or a line break); give the URI of the model's files.");
        if (decoded.Split('/', '\\').Any(segment => segment == ".."))
            throw RegistryError.InvalidValue($"The source '{text}' has a '..' segment; give the model folder's own URI, without '..'.");
        if (Schemes.Any(s => text.StartsWith(s, StringComparison.OrdinalIgnoreCase))) return text;
        if (IsLocal(text))
        {
            if (isLocalAllowed(text)) return text;
            throw RegistryError.InvalidValue(
                $"The source '{text}' is a path on the server. Register a URI the portal or a remote store serves ({Accepted}), " +
                "or upload the model's files; a local path is accepted only inside the artifact folder of the run given as run_id.");
        }
        throw RegistryError.InvalidValue($"The source '{text}' is not a URI the registry reads. Use {Accepted}.");
    }

    /// <summary>A path on the server's disk: <c>file:</c>, an absolute or relative path, or a Windows drive path.</summary>
    public static bool IsLocal(string source) =>
        source.StartsWith("file:", StringComparison.OrdinalIgnoreCase) || !source.Contains(':') || (source.Length > 2 && source[1] == ':' && char.IsLetter(source[0]));

    /// <summary>A local source as a plain path: <c>file:///a/b</c> is <c>/a/b</c>.</summary>
    public static string LocalPath(string source) =>
        source.StartsWith("file:", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(source, UriKind.Absolute, out var uri) ? uri.LocalPath : source;

    private static string Printable(string text) => string.Concat(text.Select(c => char.IsControl(c) ? '?' : c));
}
