using System.Text.RegularExpressions;

namespace RegistryPortal.Cli;

/// <summary>
/// The one-line messages for refusals, each naming what to run next. The portal answers MLflow's messages
/// ("Model Version (name=X, version=N) not found"); they are recognised here and reworded for a shell user.
/// </summary>
internal static partial class Hints
{
    public static string VersionMissing(string model, string version) =>
        $"Version {version} of '{model}' does not exist; run 'registry models list-versions --model-name {Shell.Quote(model)}'";

    public static string ModelMissing(string model) =>
        $"Model '{model}' does not exist; run 'registry models list' to see the models, or 'registry models create --name {Shell.Quote(model)}'";

    public static string NoPendingRequest(string model, string version, string stage) =>
        $"Version {version} of '{model}' has no pending request to move to {stage}; run 'registry requests list --model-name {Shell.Quote(model)} --version {version}'";

    /// <summary>The line for an API refusal that the command did not word itself.</summary>
    public static string For(ApiError error)
    {
        if (VersionNotFound().Match(error.Message) is { Success: true } v) return VersionMissing(v.Groups[1].Value, v.Groups[2].Value);
        if (ModelNotFound().Match(error.Message) is { Success: true } m) return ModelMissing(m.Groups[1].Value);
        if (NoPending().Match(error.Message) is { Success: true } p) return NoPendingRequest(p.Groups[2].Value, p.Groups[1].Value, p.Groups[3].Value);
        if (AlreadyPending().Match(error.Message) is { Success: true } a)
            return $"Version {a.Groups[1].Value} of '{a.Groups[2].Value}' already has a pending request to move to {a.Groups[3].Value}; " +
                $"run 'registry requests list --model-name {Shell.Quote(a.Groups[2].Value)} --version {a.Groups[1].Value}'";
        return error.Status == 403 ? $"Permission denied: {error.Message}" : error.Message;
    }

    [GeneratedRegex(@"^Model Version \(name=(.*), version=(\d+)\) not found$")]
    private static partial Regex VersionNotFound();

    [GeneratedRegex(@"^Registered Model with name=(.*) not found$")]
    private static partial Regex ModelNotFound();

    [GeneratedRegex(@"^Version (\d+) of '(.*)' has no pending request to move to (\w+)\.$")]
    private static partial Regex NoPending();

    [GeneratedRegex(@"^Version (\d+) of '(.*)' already has a pending request(?: \(#\d+\))? to move to (\w+)")]
    private static partial Regex AlreadyPending();
}

internal static partial class Shell
{
    /// <summary>A word as a POSIX shell reads it back: unchanged when it is plain, else in single quotes.</summary>
    public static string Quote(string word) =>
        Plain().IsMatch(word) ? word : "'" + word.Replace("'", "'\\''") + "'";

    [GeneratedRegex(@"^[A-Za-z0-9._\-/:@=+]+$")]
    private static partial Regex Plain();
}
