using Microsoft.Extensions.Options;

namespace RegistryPortal.Webhooks;

/// <summary>Settings under "Webhooks": which plain-http hosts are allowed, and how long delivery keeps trying.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Hosts that may be sent events over plain http:// (a receiver on this machine: "127.0.0.1"); any other URL must be https://.</summary>
    public string[] AllowHttpHosts { get; set; } = [];

    /// <summary>How long one attempt waits for the receiver's answer.</summary>
    public double TimeoutSeconds { get; set; } = 10;

    /// <summary>The wait before the first retry; each further retry waits twice as long (with jitter), up to <see cref="MaxRetryDelaySeconds"/>.</summary>
    public double FirstRetryDelaySeconds { get; set; } = 5;

    public double MaxRetryDelaySeconds { get; set; } = 600;

    /// <summary>How long a delivery is retried before it is marked failed.</summary>
    public double RetryWindowMinutes { get; set; } = 24 * 60;

    /// <summary>How often the worker looks for due deliveries that no change of this instance woke it for (retries, other instances' events).</summary>
    public double PollSeconds { get; set; } = 1;

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);
    public TimeSpan RetryWindow => TimeSpan.FromMinutes(RetryWindowMinutes);

    public bool AllowsHttp(string host) => AllowHttpHosts.Contains(host, StringComparer.OrdinalIgnoreCase);
}

public sealed class ValidateWebhookOptions : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var problems = new List<string>();
        void Positive(string setting, double value, double max)
        {
            if (!double.IsFinite(value) || value <= 0 || value > max)
                problems.Add($"{WebhookOptions.Section}:{setting} is {value}: give a number above 0 up to {max}.");
        }
        Positive(nameof(options.TimeoutSeconds), options.TimeoutSeconds, 300);
        Positive(nameof(options.FirstRetryDelaySeconds), options.FirstRetryDelaySeconds, 86_400);
        Positive(nameof(options.MaxRetryDelaySeconds), options.MaxRetryDelaySeconds, 86_400);
        Positive(nameof(options.RetryWindowMinutes), options.RetryWindowMinutes, 30 * 24 * 60);
        Positive(nameof(options.PollSeconds), options.PollSeconds, 3600);
        if (options.AllowHttpHosts.Any(string.IsNullOrWhiteSpace))
            problems.Add($"{WebhookOptions.Section}:{nameof(options.AllowHttpHosts)} has an empty entry: list host names or addresses (\"127.0.0.1\").");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
