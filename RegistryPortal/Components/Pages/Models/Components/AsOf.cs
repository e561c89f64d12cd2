using System.Globalization;
using RegistryPortal.Registry.History;

namespace RegistryPortal.Components.Pages.Models.Components;

/// <summary>The "as of" moment in a page's address (<c>?asOf=2026-12-01T10:00:00Z</c>), written and read in one place.</summary>
public static class AsOf
{
    public const string QueryName = "asOf";

    public static string Format(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>How pages show the moment: to the second, in UTC (the registry keeps and shows UTC).</summary>
    public static string Show(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The moment, or null for "now"; a value that is not a time is refused with what to give (<see cref="HistoryTime"/>).</summary>
    public static DateTime? Parse(string? query) => string.IsNullOrWhiteSpace(query) ? null : HistoryTime.Parse(query);
}
