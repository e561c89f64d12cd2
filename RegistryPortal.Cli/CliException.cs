namespace RegistryPortal.Cli;

/// <summary>
/// A failure the user can act on: its message is the one line printed to stderr (what is wrong and what
/// to do), its exit code 1 for a refusal or an unreachable portal, 2 for a usage error.
/// </summary>
internal sealed class CliException(string message, int exitCode = CliException.Failed) : Exception(message)
{
    public const int Failed = 1;
    public const int Usage = 2;

    public int ExitCode { get; } = exitCode;

    public static CliException UsageError(string message) => new(message, Usage);
}

/// <summary>An MLflow error answer (<c>{"error_code", "message"}</c>) that no command turned into a hint of its own yet.</summary>
internal sealed class ApiError(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
}
