using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;
using RegistryPortal.Security;

namespace RegistryPortal.Registry;

/// <summary>The history of a model or version, newest first, and comments on versions.</summary>
public sealed class ActivityService(RegistryStore store)
{
    public const int MaxCommentLength = 5000;

    public Task<IReadOnlyList<ActivityView>> ListAsync(Actor actor, string modelName, int? number = null, int limit = 200, CancellationToken ct = default) =>
        store.ReadAsync<IReadOnlyList<ActivityView>>(actor, async op =>
        {
            var model = await op.Db.ModelAsync(modelName, op.Ct);
            await op.DemandAsync(model, PermissionLevel.Read, "see its activity");
            return await ListAsync(op, model, number, limit);
        }, ct);

    /// <summary>The same, inside an operation that has found the model and checked Read.</summary>
    internal static async Task<IReadOnlyList<ActivityView>> ListAsync(OperationContext op, RegisteredModel model, int? number, int limit = 200)
    {
        var events = op.Db.Activity.Where(e => e.ModelId == model.Id);
        if (number is { } n) events = events.Where(e => e.VersionNumber == n);
        var list = await events.OrderByDescending(e => e.Id).Take(Math.Clamp(limit, 1, 1000)).ToListAsync(op.Ct);
        var names = await op.Db.UserNamesAsync(list.Select(e => e.UserId), op.Ct);
        return list.Select(e => ToView(e, names)).ToList();
    }

    public Task CommentAsync(Actor actor, string modelName, int number, string text, CancellationToken ct = default) =>
        AddCommentAsync(actor, modelName, number, text, ct);

    /// <summary>Comments on a version and returns the comment as its activity event (the id names the comment).</summary>
    public Task<ActivityView> AddCommentAsync(Actor actor, string modelName, int number, string text, CancellationToken ct = default) =>
        store.WriteAsync(actor, async op =>
        {
            var (model, version) = await VersionService.FindAsync(op, modelName, number);
            await op.DemandAsync(model, PermissionLevel.Read, "comment");
            CheckCommentText(text);
            var comment = op.Record(ActivityKind.Commented, model, version, text.Trim());
            await op.Db.SaveChangesAsync(op.Ct); // gives the comment its id
            return await ViewAsync(op, comment);
        }, ct);

    /// <summary>Changes the text of a comment; only its author may (Databricks' comments/update).</summary>
    public Task<ActivityView> EditCommentAsync(Actor actor, long commentId, string text, CancellationToken ct = default) =>
        store.WriteAsync(actor, async op =>
        {
            var (comment, _) = await FindCommentAsync(op, commentId, PermissionLevel.Read, "see its comments");
            if (comment.UserId != op.Actor.UserId) throw RegistryError.PermissionDenied("Only the author of a comment can edit it. Add a comment of your own instead.");
            CheckCommentText(text);
            comment.Comment = text.Trim();
            comment.Detail = "edited";
            return await ViewAsync(op, comment);
        }, ct);

    /// <summary>Removes a comment: its author, or a Manage holder of the model, may (Databricks' comments/delete).</summary>
    public Task DeleteCommentAsync(Actor actor, long commentId, CancellationToken ct = default) =>
        store.WriteAsync(actor, async op =>
        {
            var (comment, model) = await FindCommentAsync(op, commentId, PermissionLevel.Read, "see its comments");
            if (comment.UserId != op.Actor.UserId) await op.DemandAsync(model, PermissionLevel.Manage, "delete someone else's comment");
            op.Db.Activity.Remove(comment);
        }, ct);

    private static void CheckCommentText(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw RegistryError.InvalidValue("A comment cannot be empty.");
        if (text.Length > MaxCommentLength)
            throw RegistryError.InvalidValue($"A comment is at most {MaxCommentLength} characters; this one has {text.Length}.");
    }

    /// <summary>A comment on a model the caller may see; a comment on a hidden model is as absent as one that never was.</summary>
    private static async Task<(ActivityEvent Comment, RegisteredModel Model)> FindCommentAsync(OperationContext op, long commentId, PermissionLevel needed, string toDoWhat)
    {
        var comment = await op.Db.Activity.FirstOrDefaultAsync(e => e.Id == commentId && e.Kind == ActivityKind.Commented, op.Ct);
        var model = comment?.ModelId is { } modelId ? await op.Db.Models.FirstOrDefaultAsync(m => m.Id == modelId, op.Ct) : null;
        if (comment is null || model is null || !(await op.LevelOnAsync(model)).Allows(Ability.Read))
            throw RegistryError.NotFound($"Comment {commentId} does not exist. List the version's activity to find its comments.");
        await op.DemandAsync(model, needed, toDoWhat);
        return (comment, model);
    }

    private static async Task<ActivityView> ViewAsync(OperationContext op, ActivityEvent e) =>
        ToView(e, await op.Db.UserNamesAsync([e.UserId], op.Ct));

    private static ActivityView ToView(ActivityEvent e, Func<string?, string> names) =>
        new(e.Id, e.At, names(e.UserId), e.Kind, e.ModelName, e.VersionNumber, e.FromStage, e.ToStage, e.Comment, e.Detail);
}
