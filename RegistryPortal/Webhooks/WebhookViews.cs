namespace RegistryPortal.Webhooks;

/// <summary>A new webhook: for the model named, or registry-wide when <see cref="ModelName"/> is null.</summary>
public sealed record WebhookSpec(
    string? ModelName, IReadOnlyList<string> Events, string Url, string? Secret = null, string? Authorization = null,
    bool VerifySsl = true, string? Description = null, string? Status = null);

/// <summary>What an update changes; null leaves a field as it is (an empty secret or authorization removes it).</summary>
public sealed record WebhookChange(
    IReadOnlyList<string>? Events = null, string? Url = null, string? Secret = null, string? Authorization = null,
    bool? VerifySsl = null, string? Description = null, string? Status = null);

/// <summary>A webhook as callers see it: whether it has a secret, never the secret.</summary>
public sealed record WebhookView(
    int Id, string? ModelName, string Url, IReadOnlyList<string> Events, string Description, WebhookStatus Status,
    bool VerifySsl, bool HasSecret, bool HasAuthorization, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>One line of a webhook's delivery log.</summary>
public sealed record DeliveryView(
    long Id, string Event, string DeliveryId, DeliveryStatus Status, int Attempts, int? StatusCode, int? LatencyMs,
    DateTime CreatedAt, DateTime? LastAttemptAt, DateTime? NextAttemptAt, string Payload, string Response);

/// <summary>What the receiver answered to a test event (no status code when it could not be reached).</summary>
public sealed record WebhookTestAnswer(int? StatusCode, string Body, int LatencyMs);
