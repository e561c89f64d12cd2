namespace RegistryPortal.Domain;

/// <summary>
/// An immutable record of one change. Keeps the model's name and version number as they were, and no
/// foreign key, so the history outlives renames and deletes.
/// </summary>
public class ActivityEvent
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public required string UserId { get; set; }
    public ActivityKind Kind { get; set; }
    public int? ModelId { get; set; }
    public string ModelName { get; set; } = "";
    public int? VersionNumber { get; set; }
    public Stage? FromStage { get; set; }
    public Stage? ToStage { get; set; }
    public string Comment { get; set; } = "";
    /// <summary>What changed, in words: "tag team = risk", "renamed from 'a'".</summary>
    public string Detail { get; set; } = "";
    public int? RequestId { get; set; }
    /// <summary>The user an admin action or a grant was about (no foreign key: the event outlives the account).</summary>
    public string? SubjectUserId { get; set; }

    /// <summary>
    /// The tag key or alias the event set ("description" on a registration), for webhook payloads and the registry's
    /// history (<see cref="Registry.History.StageHistoryService"/>). Stored since migration ActivityKeyValue; older
    /// events have it only for aliases (filled from <see cref="Detail"/>), else null.
    /// </summary>
    public string? Key { get; set; }

    /// <summary>The tag value the event set, or the description a version was registered with; null on older events.</summary>
    public string? Value { get; set; }

    public ActivityEvent With(string key, string? value = null)
    {
        Key = key;
        Value = value;
        return this;
    }
}
