using System.Globalization;

namespace RegistryPortal.Components.Shared;

/// <summary>The portal's addresses for experiments and runs, and how their epoch-millisecond times and values read.</summary>
public static class TrackingLinks
{
    public static string Experiments => "experiments";

    public static string Experiment(int id) => $"experiments/{id}";

    public static string Run(int experimentId, string runId) => $"{Experiment(experimentId)}/runs/{Uri.EscapeDataString(runId)}";

    /// <summary>The page of an MLflow 3 logged model.</summary>
    public static string LoggedModel(int experimentId, string modelId) => $"{Experiment(experimentId)}/models/{Uri.EscapeDataString(modelId)}";

    public static DateTime Time(long epochMs) => DateTimeOffset.FromUnixTimeMilliseconds(epochMs).UtcDateTime;

    /// <summary>"1.5 s", "3 min 20 s", "2 h 5 min"; "—" for a run without an end.</summary>
    public static string Duration(long start, long? end)
    {
        if (end is not { } finished || finished < start) return "—";
        var span = TimeSpan.FromMilliseconds(finished - start);
        return span.TotalSeconds < 60 ? $"{span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s"
            : span.TotalHours < 1 ? $"{(int)span.TotalMinutes} min {span.Seconds} s"
            : $"{(int)span.TotalHours} h {span.Minutes} min";
    }

    /// <summary>A metric value in at most 6 significant digits, as MLflow's UI shows it.</summary>
    public static string Value(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    public static string Size(long? bytes) => bytes switch
    {
        null => "",
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        < 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024):0.#} MB",
        _ => $"{bytes / (1024.0 * 1024 * 1024):0.##} GB",
    };
}
