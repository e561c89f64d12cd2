namespace RegistryPortal.Domain;

public enum ErrorKind
{
    NotFound,
    AlreadyExists,
    InvalidValue,
    PermissionDenied,
    Conflict,
}

/// <summary>
/// The one error type the services throw. The message is written for the user: it says what is
/// wrong and what to do. The API maps <see cref="Kind"/> to MLflow's error codes; the UI shows the message.
/// </summary>
public sealed class RegistryError(ErrorKind kind, string message) : Exception(message)
{
    public ErrorKind Kind { get; } = kind;

    /// <summary>
    /// Which model or version the error is about, when it is "that model/version does not exist" or "that
    /// name is taken": lets the HTTP API answer with MLflow's own messages. Null for every other error.
    /// </summary>
    public ErrorSubject? Subject { get; init; }

    public static RegistryError NotFound(string message) => new(ErrorKind.NotFound, message);
    public static RegistryError AlreadyExists(string message) => new(ErrorKind.AlreadyExists, message);
    public static RegistryError InvalidValue(string message) => new(ErrorKind.InvalidValue, message);
    public static RegistryError PermissionDenied(string message) => new(ErrorKind.PermissionDenied, message);
    public static RegistryError Conflict(string message) => new(ErrorKind.Conflict, message);
}

/// <summary>The registered model (and version, for a version) an error is about.</summary>
public sealed record ErrorSubject(string ModelName, int? Version = null);
