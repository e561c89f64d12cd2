using System.Net;
using System.Net.Sockets;
using RegistryPortal.Domain;

namespace RegistryPortal.Webhooks;

/// <summary>What a webhook may be: its URL (https, or http to allowed hosts; never a link-local or metadata address), events, sizes.</summary>
public static class WebhookRules
{
    public const int MaxUrlLength = 2000;
    public const int MaxDescriptionLength = 1000;
    public const int MaxSecretLength = 1000;
    /// <summary>The most of a receiver's answer that is read, kept in the log and shown.</summary>
    public const int MaxStoredResponse = 2000;

    /// <summary>AWS's IPv6 instance-metadata address (its IPv4 one is in 169.254.0.0/16).</summary>
    private static readonly IPAddress Ec2MetadataV6 = IPAddress.Parse("fd00:ec2::254");

    public static Uri CheckUrl(string? url, WebhookOptions options)
    {
        if (string.IsNullOrWhiteSpace(url)) throw RegistryError.InvalidValue("A webhook needs a URL.");
        if (url.Length > MaxUrlLength) throw RegistryError.InvalidValue($"The webhook URL is {url.Length} characters; the limit is {MaxUrlLength}.");
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            throw RegistryError.InvalidValue($"'{url}' is not a URL: give one such as https://ci.example.com/hooks/registry.");
        if (uri.UserInfo.Length > 0)
            throw RegistryError.InvalidValue("Put credentials in the webhook's authorization, not in its URL.");
        var allowed = uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && options.AllowsHttp(uri.Host));
        if (!allowed)
            throw RegistryError.InvalidValue(uri.Scheme == Uri.UriSchemeHttp
                ? $"Webhook URLs must use https://; plain http:// is allowed only to the hosts in the setting Webhooks:AllowHttpHosts, and '{uri.Host}' is not one of them."
                : $"Webhook URLs must use https://, not {uri.Scheme}://.");
        if (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IsForbidden(address))
            throw RegistryError.InvalidValue($"Webhooks cannot be sent to {address}: link-local and cloud metadata addresses are refused.");
        return uri;
    }

    /// <summary>Link-local addresses (169.254.0.0/16, fe80::/10), where clouds answer with instance credentials, and AWS's fd00:ec2::254.</summary>
    public static bool IsForbidden(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var bytes = address.GetAddressBytes();
            return bytes[0] == 169 && bytes[1] == 254;
        }
        return address.IsIPv6LinkLocal || address.Equals(Ec2MetadataV6);
    }

    public static List<string> CheckEvents(IReadOnlyCollection<string>? events, bool registryWide)
    {
        if (events is null || events.Count == 0)
            throw RegistryError.InvalidValue($"Choose at least one event: {string.Join(", ", WebhookEvents.All)}.");
        var chosen = events.Select(e => e.Trim().ToUpperInvariant()).Distinct().ToList();
        if (chosen.FirstOrDefault(e => !WebhookEvents.All.Contains(e)) is { } unknown)
            throw RegistryError.InvalidValue($"'{unknown}' is not a webhook event. The events are: {string.Join(", ", WebhookEvents.All)}.");
        if (!registryWide && chosen.FirstOrDefault(WebhookEvents.IsRegistryWideOnly) is { } wide)
            throw RegistryError.InvalidValue($"{wide} is sent to registry-wide webhooks only: a model's webhook cannot get it.");
        return chosen;
    }

    public static WebhookStatus ParseStatus(string? status) => status?.Trim().ToUpperInvariant() switch
    {
        null or "" or "ACTIVE" => WebhookStatus.Active,
        "TEST_MODE" => WebhookStatus.TestMode,
        "DISABLED" => WebhookStatus.Disabled,
        _ => throw RegistryError.InvalidValue($"'{status}' is not a webhook status: give ACTIVE, TEST_MODE or DISABLED."),
    };

    public static string WireName(this WebhookStatus status) => status switch
    {
        WebhookStatus.TestMode => "TEST_MODE",
        WebhookStatus.Disabled => "DISABLED",
        _ => "ACTIVE",
    };

    public static string CheckDescription(string? description) => (description ?? "").Length <= MaxDescriptionLength
        ? description ?? ""
        : throw RegistryError.InvalidValue($"The description is {description!.Length} characters; the limit is {MaxDescriptionLength}.");

    public static string? CheckSecret(string? secret, string what) => secret is { Length: > MaxSecretLength }
        ? throw RegistryError.InvalidValue($"The {what} is {secret.Length} characters; the limit is {MaxSecretLength}.")
        : string.IsNullOrEmpty(secret) ? null : secret;
}
