using System.Text;
using RegistryPortal.Domain;

namespace RegistryPortal.Registry.ModelCard;

/// <summary>A snippet of the "Use this model" panel: a title, the language it is in ("python", "shell") and the code.</summary>
public sealed record UsageSnippet(string Title, string Language, string Code);

/// <summary>
/// How to load, serve, download and call a version, with its name quoted for Python and the shell (a model name may
/// hold spaces and quotes).
/// </summary>
public static class UsageSnippets
{
    public const string ServePort = "5001";

    public static IReadOnlyList<UsageSnippet> For(VersionView version, string? servingPayload)
    {
        var name = version.ModelName;
        var versionUri = $"models:/{name}/{version.Version}";
        var snippets = version.Aliases.Select(alias => Load($"Load by alias @{alias}", $"models:/{name}@{alias}")).ToList();
        if (version.Stage is Stage.Staging or Stage.Production) snippets.Add(Load($"Load the {version.Stage} version", $"models:/{name}/{version.Stage}"));
        snippets.Add(Load($"Load version {version.Version}", versionUri));
        snippets.Add(new UsageSnippet("Serve it with MLflow", "shell", $"mlflow models serve -m {Shell(versionUri)} -p {ServePort}"));
        snippets.Add(new UsageSnippet("Download it with the registry CLI", "shell",
            $"registry models download --model-uri {Shell(versionUri)} --dest {Shell($"./{FolderName(name)}-v{version.Version}")}"));
        snippets.Add(new UsageSnippet("Call the served model", "shell",
            $"curl -X POST http://127.0.0.1:{ServePort}/invocations -H 'Content-Type: application/json' \\\n  -d {Shell(servingPayload ?? """{"inputs": []}""")}"));
        return snippets;
    }

    private static UsageSnippet Load(string title, string uri) =>
        new(title, "python", $"import mlflow\n\nmodel = mlflow.pyfunc.load_model({Python(uri)})");

    /// <summary>A Python string literal.</summary>
    private static string Python(string text)
    {
        var literal = new StringBuilder("\"");
        foreach (var c in text) literal.Append(c switch { '\\' => "\\\\", '"' => "\\\"", '\n' => "\\n", _ => c.ToString() });
        return literal.Append('"').ToString();
    }

    /// <summary>A word the shell takes as it is: in single quotes, each single quote closed, escaped and reopened.</summary>
    private static string Shell(string text) =>
        text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':' or '@') ? text : $"'{text.Replace("'", "'\\''")}'";

    /// <summary>A model name as a file or folder name: "fraud detector/v2" → "fraud-detector-v2".</summary>
    internal static string FolderName(string modelName) =>
        string.Concat(modelName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-'));
}
