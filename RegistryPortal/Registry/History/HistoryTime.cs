using System.Globalization;
using RegistryPortal.Domain;

namespace RegistryPortal.Registry.History;

/// <summary>The moments the history is asked about, as callers write them: milliseconds since 1970 (MLflow's timestamps) or ISO-8601.</summary>
public static class HistoryTime
{
    /// <summary>
    /// A UTC time from "1764583200000" or "2026-12-01T10:00:00Z" (an ISO-8601 time without an offset is UTC). Milliseconds
    /// mean the last microsecond of that millisecond: events are kept to the microsecond, and a timestamp the API answered
    /// (truncated to its millisecond) must still find the move it came from.
    /// </summary>
    public static DateTime Parse(string? text)
    {
        var trimmed = text?.Trim() ?? "";
        if (long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms))
        {
            if (ms >= 0 && ms <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()) return DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.AddTicks(TimeSpan.TicksPerMillisecond - TimeSpan.TicksPerMicrosecond);
        }
        else if (DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var time))
        {
            return time.UtcDateTime;
        }
        throw RegistryError.InvalidValue(
            $"'{text}' is not a time. Give milliseconds since 1970-01-01 UTC (such as 1764583200000) or an ISO-8601 date-time (such as 2026-12-01T10:00:00Z).");
    }
}
