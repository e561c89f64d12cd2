using System.Globalization;
using RegistryPortal.Domain;
using RegistryPortal.Registry;

namespace RegistryPortal.Api;

// The JSON objects of MLflow's model_registry.proto (and Databricks' transition requests and comments),
// written with snake_case names by ApiResults.Json. Versions are strings, timestamps epoch milliseconds.
// user_id is the name the portal shows for the user (display name, else user name).

public sealed record TagJson(string Key, string Value);

public sealed record AliasJson(string Alias, string Version);

public sealed record ModelVersionJson(
    string Name, string Version, long CreationTimestamp, long LastUpdatedTimestamp, string UserId, string CurrentStage,
    string Description, string Source, string RunId, string Status, string StatusMessage, IReadOnlyList<TagJson> Tags,
    string RunLink, IReadOnlyList<string> Aliases,
    /// <summary>MLflow 3: the logged model the version was registered from; left out for other versions.</summary>
    string? ModelId = null);

public sealed record RegisteredModelJson(
    string Name, long CreationTimestamp, long LastUpdatedTimestamp, string UserId, string Description,
    IReadOnlyList<ModelVersionJson> LatestVersions, IReadOnlyList<TagJson> Tags, IReadOnlyList<AliasJson> Aliases);

/// <summary>Databricks' TransitionRequest: an open request to move a version.</summary>
public sealed record TransitionRequestJson(long CreationTimestamp, string ToStage, string UserId, string Comment);

/// <summary>Databricks' Activity: what happened to a request (REQUESTED_TRANSITION, APPROVED_REQUEST, …).</summary>
public sealed record ActivityJson(
    string Id, string ActivityType, long CreationTimestamp, long LastUpdatedTimestamp, string UserId,
    string FromStage, string ToStage, string Comment);

/// <summary>Databricks' CommentObject.</summary>
public sealed record CommentJson(string Id, string Comment, long CreationTimestamp, long LastUpdatedTimestamp, string UserId);

public static class WireFormat
{
    public static long EpochMilliseconds(DateTime utc) =>
        new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToUnixTimeMilliseconds();

    public static string Text(int number) => number.ToString(CultureInfo.InvariantCulture);

    public static ModelVersionJson Version(VersionView v) => new(
        v.ModelName, Text(v.Version), EpochMilliseconds(v.CreatedAt), EpochMilliseconds(v.UpdatedAt), v.CreatedBy,
        v.Stage.ToString(), v.Description, v.Source, v.RunId, v.Status.WireName(), v.StatusMessage, Tags(v.Tags),
        v.RunLink, v.Aliases, v.LoggedModelId.Length == 0 ? null : v.LoggedModelId);

    public static RegisteredModelJson Model(RegisteredModelView m) => new(
        m.Name, EpochMilliseconds(m.CreatedAt), EpochMilliseconds(m.UpdatedAt), m.CreatedBy, m.Description,
        m.LatestVersions.Select(Version).ToList(), Tags(m.Tags),
        m.Aliases.Select(a => new AliasJson(a.Alias, Text(a.Version))).ToList());

    public static TransitionRequestJson Request(RequestView r) =>
        new(EpochMilliseconds(r.CreatedAt), r.ToStage.ToString(), r.RequestedBy, r.Comment);

    /// <summary>An open request as Databricks lists it: a REQUESTED_TRANSITION activity from the version's current stage.</summary>
    public static ActivityJson Requested(RequestMove open)
    {
        var (r, from) = open;
        var at = EpochMilliseconds(r.CreatedAt);
        return new(Text(r.Id), "REQUESTED_TRANSITION", at, at, r.RequestedBy, from.ToString(), r.ToStage.ToString(), r.Comment);
    }

    /// <summary>A closed request: who approved, rejected or cancelled it, when, and with what comment.</summary>
    public static ActivityJson Resolved(RequestMove closed, string activityType)
    {
        var (r, from) = closed;
        var at = EpochMilliseconds(r.ResolvedAt ?? r.CreatedAt);
        return new(Text(r.Id), activityType, at, at, r.ResolvedBy, from.ToString(), r.ToStage.ToString(), r.ResolutionComment);
    }

    public static CommentJson Comment(ActivityView c) =>
        new(c.Id.ToString(CultureInfo.InvariantCulture), c.Comment, EpochMilliseconds(c.At), EpochMilliseconds(c.At), c.User);

    private static IReadOnlyList<TagJson> Tags(IReadOnlyDictionary<string, string> tags)
    {
        if (tags.Count == 0) return [];
        var json = new TagJson[tags.Count];
        var i = 0;
        foreach (var (key, value) in tags) json[i++] = new TagJson(key, value);
        return json;
    }
}
