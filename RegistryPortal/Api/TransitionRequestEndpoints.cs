using System.Globalization;
using RegistryPortal.Registry;

namespace RegistryPortal.Api;

/// <summary>
/// Databricks' transition requests and comments (transition-requests/*, comments/create|update|delete). Databricks names a
/// request by model, version and target stage; the portal allows one pending request per version and
/// stage, so that names exactly one request.
/// </summary>
public static class TransitionRequestEndpoints
{
    public static RouteGroupBuilder MapTransitionRequestEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("transition-requests/create", CreateRequest);
        api.MapGet("transition-requests/list", ListRequests);
        api.MapPost("transition-requests/approve", ApproveRequest);
        api.MapPost("transition-requests/reject", RejectRequest);
        api.MapDelete("transition-requests/delete", DeleteRequest);

        api.MapPost("comments/create", CreateComment);
        api.MapPatch("comments/update", UpdateComment);
        api.MapDelete("comments/delete", DeleteComment);
        return api;
    }

    /// <summary>archive_existing_versions is the portal's addition: the approver may still change it.</summary>
    private static Task<IResult> CreateRequest(HttpContext http, TransitionRequestService requests) => ApiResults.RunAsync(http, async (req, actor, ct) =>
    {
        var created = await requests.CreateAsync(actor, req.Required("name"), req.RequiredVersion(), req.Required("stage"),
            req.OptionalBool("archive_existing_versions") ?? false, req.Optional("comment"), ct);
        return new { request = WireFormat.Request(created) };
    });

    private static Task<IResult> ListRequests(HttpContext http, TransitionRequestService requests) => ApiResults.RunAsync(http, async (req, actor, ct) =>
    {
        var open = await requests.PendingMovesAsync(actor, req.Required("name"), req.RequiredVersion(), ct);
        return new { requests = open.Select(WireFormat.Requested).ToList() };
    });

    private static Task<IResult> ApproveRequest(HttpContext http, TransitionRequestService requests) => ApiResults.RunAsync(http, async (req, actor, ct) =>
    {
        var (name, archiveExisting) = (PendingName(req), req.RequiredBool("archive_existing_versions"));
        var approved = await requests.ApproveAsync(actor, name, req.Optional("comment"), archiveExisting, ct);
        return new { activity = WireFormat.Resolved(approved, "APPROVED_REQUEST") };
    });

    private static Task<IResult> RejectRequest(HttpContext http, TransitionRequestService requests) => ApiResults.RunAsync(http, async (req, actor, ct) =>
        new { activity = WireFormat.Resolved(await requests.RejectAsync(actor, PendingName(req), req.Optional("comment"), ct), "REJECTED_REQUEST") });

    /// <summary>Databricks deletes "the request by creator"; the portal cancels it (the requester, or a Manage holder).</summary>
    private static Task<IResult> DeleteRequest(HttpContext http, TransitionRequestService requests) => ApiResults.RunEmptyAsync(http, (req, actor, ct) =>
        requests.CancelAsync(actor, PendingName(req) with { Creator = req.Required("creator") }, req.Optional("comment"), ct));

    private static Task<IResult> CreateComment(HttpContext http, ActivityService activity) => ApiResults.RunAsync(http, async (req, actor, ct) =>
    {
        var comment = await activity.AddCommentAsync(actor, req.Required("name"), req.RequiredVersion(), req.Required("comment"), ct);
        return new { comment = WireFormat.Comment(comment) };
    });

    private static Task<IResult> UpdateComment(HttpContext http, ActivityService activity) => ApiResults.RunAsync(http, async (req, actor, ct) =>
        new { comment = WireFormat.Comment(await activity.EditCommentAsync(actor, CommentId(req), req.Required("comment"), ct)) });

    private static Task<IResult> DeleteComment(HttpContext http, ActivityService activity) => ApiResults.RunEmptyAsync(http, (req, actor, ct) =>
        activity.DeleteCommentAsync(actor, CommentId(req), ct));

    private static PendingRequestName PendingName(ApiRequest req) => new(req.Required("name"), req.RequiredVersion(), req.Required("stage"));

    private static long CommentId(ApiRequest req)
    {
        var text = req.Required("id");
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new ApiException(ApiErrorCode.InvalidParameterValue, $"Invalid value '{text}' for parameter 'id': a comment id is the id that comments/create answered.");
    }
}
