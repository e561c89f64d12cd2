using System.Text.Json;
using RegistryPortal.Domain;

namespace RegistryPortal.Webhooks;

/// <summary>
/// The events a webhook can be sent, with Databricks' names, and which registry activity raises each. Databricks'
/// twelve, plus the approval, rejection, cancellation and alias events it lacks, named in the same style.
/// </summary>
public static class WebhookEvents
{
    public const string RegisteredModelCreated = "REGISTERED_MODEL_CREATED";
    public const string VersionCreated = "MODEL_VERSION_CREATED";
    public const string Transitioned = "MODEL_VERSION_TRANSITIONED_STAGE";
    public const string TransitionedToStaging = "MODEL_VERSION_TRANSITIONED_TO_STAGING";
    public const string TransitionedToProduction = "MODEL_VERSION_TRANSITIONED_TO_PRODUCTION";
    public const string TransitionedToArchived = "MODEL_VERSION_TRANSITIONED_TO_ARCHIVED";
    public const string RequestCreated = "TRANSITION_REQUEST_CREATED";
    public const string RequestToStagingCreated = "TRANSITION_REQUEST_TO_STAGING_CREATED";
    public const string RequestToProductionCreated = "TRANSITION_REQUEST_TO_PRODUCTION_CREATED";
    public const string RequestToArchivedCreated = "TRANSITION_REQUEST_TO_ARCHIVED_CREATED";
    public const string RequestApproved = "TRANSITION_REQUEST_APPROVED";
    public const string RequestRejected = "TRANSITION_REQUEST_REJECTED";
    public const string RequestCancelled = "TRANSITION_REQUEST_CANCELLED";
    public const string CommentCreated = "COMMENT_CREATED";
    public const string VersionTagSet = "MODEL_VERSION_TAG_SET";
    public const string AliasSet = "MODEL_VERSION_ALIAS_SET";
    public const string AliasDeleted = "MODEL_VERSION_ALIAS_DELETED";

    public static readonly IReadOnlyList<string> All =
    [
        RegisteredModelCreated, VersionCreated, Transitioned, TransitionedToStaging, TransitionedToProduction,
        TransitionedToArchived, RequestCreated, RequestToStagingCreated, RequestToProductionCreated, RequestToArchivedCreated,
        RequestApproved, RequestRejected, RequestCancelled, CommentCreated, VersionTagSet, AliasSet, AliasDeleted,
    ];

    /// <summary>Events about the registry as a whole, which only registry-wide webhooks can be sent (as on Databricks).</summary>
    public static bool IsRegistryWideOnly(string name) => name == RegisteredModelCreated;

    /// <summary>The webhook events one activity raises (none for activity webhooks do not report).</summary>
    public static IReadOnlyList<string> Of(ActivityEvent activity) => activity.Kind switch
    {
        ActivityKind.ModelCreated => [RegisteredModelCreated],
        ActivityKind.VersionRegistered => [VersionCreated],
        ActivityKind.Transitioned => Moved(activity),
        // An approval is recorded as one entry that also moved the version: its move's events, then the approval.
        ActivityKind.Approved => [.. Moved(activity), RequestApproved],
        ActivityKind.Requested => Specific(RequestCreated, activity.ToStage switch
        {
            Stage.Staging => RequestToStagingCreated,
            Stage.Production => RequestToProductionCreated,
            Stage.Archived => RequestToArchivedCreated,
            _ => null,
        }),
        ActivityKind.Rejected => [RequestRejected],
        ActivityKind.Cancelled => [RequestCancelled],
        ActivityKind.Commented => [CommentCreated],
        ActivityKind.VersionTagged => [VersionTagSet],
        ActivityKind.AliasSet => [AliasSet],
        ActivityKind.AliasDeleted => [AliasDeleted],
        _ => [],
    };

    private static IReadOnlyList<string> Moved(ActivityEvent activity) => Specific(Transitioned, activity.ToStage switch
    {
        Stage.Staging => TransitionedToStaging,
        Stage.Production => TransitionedToProduction,
        Stage.Archived => TransitionedToArchived,
        _ => null,
    });

    private static IReadOnlyList<string> Specific(string general, string? specific) => specific is null ? [general] : [general, specific];

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>The body Databricks sends for <paramref name="name"/> raised by <paramref name="activity"/>.</summary>
    public static string Payload(string name, int webhookId, ActivityEvent activity, string who)
    {
        var payload = new Dictionary<string, object?>
        {
            ["event"] = name,
            ["webhook_id"] = webhookId.ToString(),
            ["event_timestamp"] = new DateTimeOffset(activity.At).ToUnixTimeMilliseconds(),
            ["model_name"] = activity.ModelName,
        };
        if (activity.VersionNumber is { } version) payload["version"] = version.ToString();
        if (activity.FromStage is { } from) payload["from_stage"] = from.ToString();
        if (activity.ToStage is { } to) payload["to_stage"] = to.ToString();
        if (activity.Kind == ActivityKind.VersionTagged) payload["tags"] = new[] { new { key = activity.Key, value = activity.Value } };
        if (activity.Kind is ActivityKind.AliasSet or ActivityKind.AliasDeleted) payload["alias"] = activity.Key;
        if (activity.Comment.Length > 0 && activity.Kind is not (ActivityKind.ModelCreated or ActivityKind.VersionRegistered))
            payload["comment"] = activity.Comment;
        payload["text"] = Text(activity, who);
        return JsonSerializer.Serialize(payload, Json);
    }

    /// <summary>What happened in a sentence, as Databricks' "text" says it (chat receivers post it as is).</summary>
    private static string Text(ActivityEvent e, string who)
    {
        var version = $"registered model '{e.ModelName}' version {e.VersionNumber}";
        return e.Kind switch
        {
            ActivityKind.ModelCreated => $"{who} created registered model '{e.ModelName}'.",
            ActivityKind.VersionRegistered => $"{who} created {version}.",
            ActivityKind.Transitioned => $"{who} transitioned {version} from {e.FromStage} to {e.ToStage}.",
            ActivityKind.Requested => $"{who} requested a transition of {version} from {e.FromStage} to {e.ToStage}.",
            ActivityKind.Approved => $"{who} approved the transition of {version} from {e.FromStage} to {e.ToStage}.",
            ActivityKind.Rejected => $"{who} rejected the transition of {version} from {e.FromStage} to {e.ToStage}.",
            ActivityKind.Cancelled => $"{who} cancelled the request to move {version} to {e.ToStage}.",
            ActivityKind.Commented => $"{who} commented on {version}.",
            ActivityKind.VersionTagged => $"{who} set version tag '{e.Key}' => '{e.Value}' for {version}.",
            ActivityKind.AliasSet => $"{who} set alias '{e.Key}' to {version}.",
            ActivityKind.AliasDeleted => $"{who} deleted alias '{e.Key}' of {version}.",
            _ => e.Detail,
        };
    }

    /// <summary>A sample of <paramref name="name"/>, for the test button: marked as a test, about no real change.</summary>
    public static string TestPayload(string name, int webhookId, string modelName, DateTime at) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["event"] = name,
        ["webhook_id"] = webhookId.ToString(),
        ["event_timestamp"] = new DateTimeOffset(at).ToUnixTimeMilliseconds(),
        ["model_name"] = modelName,
        ["text"] = $"Test of webhook {webhookId} for {name}: no registry change happened.",
    }, Json);
}
