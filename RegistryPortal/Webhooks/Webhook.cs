namespace RegistryPortal.Webhooks;

/// <summary>
/// Where registry events are sent: for one model (<see cref="ModelId"/>) or, with none, for the whole registry.
/// The secret and the Authorization header are kept encrypted (Data Protection) and never shown again.
/// </summary>
public class Webhook
{
    public int Id { get; set; }
    public int? ModelId { get; set; }
    public string Url { get; set; } = "";
    /// <summary>Event names (<see cref="WebhookEvents"/>) this webhook is sent.</summary>
    public List<string> Events { get; set; } = [];
    public string Description { get; set; } = "";
    public WebhookStatus Status { get; set; } = WebhookStatus.Active;
    public bool VerifySsl { get; set; } = true;
    public string? ProtectedSecret { get; set; }
    public string? ProtectedAuthorization { get; set; }
    public string CreatedById { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>Until when one worker is delivering this webhook's events (so they go out in order, once); null: nobody.</summary>
    public DateTime? LeaseUntil { get; set; }
}

/// <summary>Databricks' statuses: ACTIVE gets events; TEST_MODE only the test button's; DISABLED nothing.</summary>
public enum WebhookStatus
{
    Active,
    TestMode,
    Disabled,
}

/// <summary>
/// One event for one webhook: written in the transaction of the change that caused it (the outbox), then sent by
/// <see cref="WebhookDeliveryWorker"/>, retried until it succeeds or its retry window ends.
/// </summary>
public class WebhookDelivery
{
    public long Id { get; set; }
    public int WebhookId { get; set; }
    public string Event { get; set; } = "";
    /// <summary>Sent as X-Databricks-Delivery-Id; a redelivery keeps it, so idempotent receivers see the same event.</summary>
    public string DeliveryId { get; set; } = "";
    public string Payload { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    /// <summary>When the current series of attempts began: its retry window counts from here (a redelivery starts a new one).</summary>
    public DateTime QueuedAt { get; set; }
    public DeliveryStatus Status { get; set; } = DeliveryStatus.Pending;
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public DateTime? LastAttemptAt { get; set; }
    public int? StatusCode { get; set; }
    public int? LatencyMs { get; set; }
    /// <summary>Why the last attempt failed, or the start of the receiver's answer.</summary>
    public string Response { get; set; } = "";
}

public enum DeliveryStatus
{
    Pending,
    Delivered,
    Failed,
}
