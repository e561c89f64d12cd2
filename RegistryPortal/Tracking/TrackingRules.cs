using RegistryPortal.Domain;
using RegistryPortal.Registry;

namespace RegistryPortal.Tracking;

/// <summary>MLflow 2.x's limits and checks for tracking data, with messages that say what to fix.</summary>
public static class TrackingRules
{
    public const int MaxKeyLength = 250;
    public const int MaxParamValueLength = 6000;
    public const int MaxTagValueLength = 8000;
    public const int MaxBatchMetrics = 1000, MaxBatchParams = 100, MaxBatchTags = 100, MaxBatchTotal = 1000;

    public static void Key(string? key, string what)
    {
        if (string.IsNullOrWhiteSpace(key)) throw RegistryError.InvalidValue($"A {what} key is required.");
        if (key.Length > MaxKeyLength) throw RegistryError.InvalidValue($"The {what} key '{key[..20]}…' is {key.Length} characters; the limit is {MaxKeyLength}.");
        if (key.Contains("..") || key.StartsWith('/')) throw RegistryError.InvalidValue($"The {what} key '{key}' may not contain '..' or start with '/'.");
    }

    public static void Value(string? value, int max, string what, string key)
    {
        if (value is { Length: var n } && n > max)
            throw RegistryError.InvalidValue($"The value of {what} '{key}' is {n} characters; the limit is {max}.");
    }

    /// <summary>Logging needs the Editor role (or higher); reading needs Reader.</summary>
    public static void DemandLog(OperationContext op)
    {
        if (!op.Access.RoleLevel.Allows(Ability.Edit))
            throw RegistryError.PermissionDenied("You need the Editor role (or higher) to create experiments and log runs. Ask an admin.");
    }

    public static bool MayRead(OperationContext op) => op.Access.RoleLevel.Allows(Ability.Read);

    public static void DemandRead(OperationContext op)
    {
        if (!MayRead(op))
            throw RegistryError.PermissionDenied("You need the Reader role (or higher) to see experiments and runs. Ask an admin.");
    }

    public static long ToEpochMs(DateTime utc) => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToUnixTimeMilliseconds();
}
