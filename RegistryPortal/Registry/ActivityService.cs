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
            var events = op.Db.Activity.Where(e => e.ModelId == model.Id);
            if (number is { } n) events = events.Where(e => e.VersionNumber == n);
            var list = await events.OrderByDescending(e => e.Id).Take(Math.Clamp(limit, 1, 1000)).ToListAsync(op.Ct);
            var names = await op.Db.UserNamesAsync(list.Select(e => e.UserId), op.Ct);
            return list.Select(e => new ActivityView(e.Id, e.At, names(e.UserId), e.Kind, e.ModelName, e.VersionNumber,
                e.FromStage, e.ToStage, e.Comment, e.Detail)).ToList();
        }, ct);

    public Task CommentAsync(Actor actor, string modelName, int number, string text, CancellationToken ct = default) =>
        AddCommentAsync(actor, modelName, number, text, ct);

    /// <summary>Comments on a version and returns the comment as its activity event (the id names the comment).</summary>
    public Task<ActivityView> AddCommentAsync(Actor actor, string modelName, int number, string text, CancellationToken ct = default) =>
        store.WriteAsync(actor, async op =>
        {
            var (model, version) = await VersionService.FindAsync(op, modelName, number);
            await op.DemandAsync(model, PermissionLevel.Read, "comment");
            if (string.IsNullOrWhiteSpace(text)) throw RegistryError.InvalidValue("A comment cannot be empty.");
            if (text.Length > MaxCommentLength)
                throw RegistryError.InvalidValue($"A comment is at most {MaxCommentLength} characters; this one has {text.Length}.");
            var comment = op.Record(ActivityKind.Commented, model, version, text.Trim());
            await op.Db.SaveChangesAsync(op.Ct); // gives the comment its id
            var names = await op.Db.UserNamesAsync([comment.UserId], op.Ct);
            return new ActivityView(comment.Id, comment.At, names(comment.UserId), comment.Kind, comment.ModelName, comment.VersionNumber,
                comment.FromStage, comment.ToStage, comment.Comment, comment.Detail);
        }, ct);
}
