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
        api.MapPost("transition-requests/create", (HttpContext http, TransitionRequestService requests) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                // archive_existing_versions is the portal's addition: the approver may still change it.
                var created = await requests.CreateAsync(actor, req.Required("name"), req.RequiredVersion(), req.Required("stage"),
                    req.OptionalBool("archive_existing_versions") ?? false, req.Optional("comment"), ct);
                return new { request = WireFormat.Request(created) };
            }));

        api.MapGet("transition-requests/list", (HttpContext http, TransitionRequestService requests, VersionService versions) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                var (name, number) = (req.Required("name"), req.RequiredVersion());
                var version = await versions.GetAsync(actor, name, number, ct);
                var open = await requests.ListAsync(actor, name, number, pendingOnly: true, ct);
                return new { requests = open.Select(r => WireFormat.Requested(r, version.Stage)).ToList() };
            }));

        api.MapPost("transition-requests/approve", (HttpContext http, TransitionRequestService requests) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                var (name, number, stage) = (req.Required("name"), req.RequiredVersion(), req.Required("stage"));
                var archiveExisting = req.RequiredBool("archive_existing_versions");
                var pending = await requests.PendingAsync(actor, name, number, stage, ct: ct);
                var approved = await requests.ApproveAsync(actor, pending.Request.Id, req.Optional("comment"), archiveExisting, ct);
                return new { activity = WireFormat.Resolved(approved, pending.VersionStage, "APPROVED_REQUEST") };
            }));

        api.MapPost("transition-requests/reject", (HttpContext http, TransitionRequestService requests) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                var pending = await requests.PendingAsync(actor, req.Required("name"), req.RequiredVersion(), req.Required("stage"), ct: ct);
                var rejected = await requests.RejectAsync(actor, pending.Request.Id, req.Optional("comment"), ct);
                return new { activity = WireFormat.Resolved(rejected, pending.VersionStage, "REJECTED_REQUEST") };
            }));

        // Databricks deletes "the request by creator"; the portal cancels it (the requester, or a Manage holder).
        api.MapDelete("transition-requests/delete", (HttpContext http, TransitionRequestService requests) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                var pending = await requests.PendingAsync(actor, req.Required("name"), req.RequiredVersion(), req.Required("stage"),
                    req.Required("creator"), ct);
                await requests.CancelAsync(actor, pending.Request.Id, req.Optional("comment"), ct);
                return new { };
            }));

        api.MapPost("comments/create", (HttpContext http, ActivityService activity) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                var comment = await activity.AddCommentAsync(actor, req.Required("name"), req.RequiredVersion(), req.Required("comment"), ct);
                return new { comment = WireFormat.Comment(comment) };
            }));

        api.MapPatch("comments/update", (HttpContext http, ActivityService activity) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                var comment = await activity.EditCommentAsync(actor, CommentId(req), req.Required("comment"), ct);
                return new { comment = WireFormat.Comment(comment) };
            }));

        api.MapDelete("comments/delete", (HttpContext http, ActivityService activity) =>
            ApiResults.RunAsync(http, async (req, actor, ct) =>
            {
                await activity.DeleteCommentAsync(actor, CommentId(req), ct);
                return new { };
            }));

        return api;
    }

    private static long CommentId(ApiRequest req)
    {
        var text = req.Required("id");
        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new ApiException(ApiErrorCode.InvalidParameterValue, $"Invalid value '{text}' for parameter 'id': a comment id is the id that comments/create answered.");
    }
}
