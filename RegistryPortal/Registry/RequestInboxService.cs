using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;
using RegistryPortal.Security;

namespace RegistryPortal.Registry;

/// <summary>
/// The requests inbox: every pending request the caller may approve, across the registry, and the caller's own
/// pending requests. "May approve" is <see cref="FourEyes.MayApprove"/> at the caller's effective level
/// (<see cref="PermissionResolver.Effective"/>): the rule approving enforces, applied to every request at once.
/// </summary>
public sealed class RequestInboxService(RegistryStore store)
{
    /// <summary>One page of the requests the caller may approve that match the query, and every model they come from.</summary>
    public Task<Inbox> ToReviewAsync(Actor actor, InboxQuery? query = null, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            query ??= new InboxQuery();
            var all = await ReviewableRowsAsync(op);
            var shown = all.Where(r => (query.Model is null || string.Equals(r.Model.Name, query.Model, StringComparison.OrdinalIgnoreCase))
                                       && (query.ToStage is null || r.Request.ToStage == query.ToStage));
            shown = query.OldestFirst
                ? shown.OrderBy(r => r.Request.CreatedAt).ThenBy(r => r.Request.Id)
                : shown.OrderByDescending(r => r.Request.CreatedAt).ThenByDescending(r => r.Request.Id);
            var models = all.Select(r => r.Model.Name).Distinct().Order(StringComparer.OrdinalIgnoreCase).ToList();
            return new Inbox(await PageOfAsync(op, shown.ToList(), query.PageIndex, query.PageSize), models);
        }, ct);

    /// <summary>How many requests wait for the caller: the top bar's badge.</summary>
    public Task<int> CountToReviewAsync(Actor actor, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op => (await ReviewableRowsAsync(op)).Count, ct);

    /// <summary>One page of the caller's own pending requests on models they may still read, newest first: theirs to cancel.</summary>
    public Task<Page<RequestMove>> MineAsync(Actor actor, int pageIndex = 0, int pageSize = InboxQuery.DefaultPageSize, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op =>
        {
            var readable = PermissionResolver.Readable(op.Db, op.Access);
            var rows = await (
                from r in op.Db.TransitionRequests
                where r.Status == RequestStatus.Pending && r.RequestedById == op.Actor.UserId
                join m in readable on r.ModelId equals m.Id
                join v in op.Db.Versions on r.VersionId equals v.Id
                orderby r.CreatedAt descending, r.Id descending
                select new Row(r, m, v)).ToListAsync(op.Ct);
            return await PageOfAsync(op, rows, pageIndex, pageSize);
        }, ct);

    /// <summary>
    /// The page <paramref name="pageIndex"/> of <paramref name="rows"/>, or the last one when fewer are left (the last
    /// request of the last page was just approved): a page holds only its own rows, so a tab on a thousand requests stays small.
    /// </summary>
    private static async Task<Page<RequestMove>> PageOfAsync(OperationContext op, List<Row> rows, int pageIndex, int pageSize)
    {
        if (pageSize is < 1 or > InboxQuery.MaxPageSize)
            throw RegistryError.InvalidValue($"A page holds 1 to {InboxQuery.MaxPageSize} requests, not {pageSize}.");
        var lastPage = Math.Max(0, (rows.Count - 1) / pageSize);
        pageIndex = Math.Clamp(pageIndex, 0, lastPage);
        var items = await MovesAsync(op, rows.Skip(pageIndex * pageSize).Take(pageSize).ToList());
        return new Page<RequestMove>(items, rows.Count, pageIndex, pageSize);
    }

    private sealed record Row(TransitionRequest Request, RegisteredModel Model, ModelVersion Version);

    private static async Task<List<Row>> ReviewableRowsAsync(OperationContext op)
    {
        var access = op.Access;
        if (!access.Active) return [];
        var grants = await op.Db.Grants.Where(g => g.UserId == access.UserId).ToDictionaryAsync(g => g.ModelId, g => g.Level, op.Ct);
        var models = op.Db.Models.AsQueryable();
        if (!access.RoleLevel.Allows(Ability.ManageStagingVersions))
        {
            // Without a role that moves anything, only models they created or were granted a reviewer's level on.
            var reviewing = grants.Where(g => g.Value.Allows(Ability.ManageStagingVersions)).Select(g => g.Key).ToList();
            models = models.Where(m => m.CreatedById == access.UserId || reviewing.Contains(m.Id));
        }
        var rows = await (
            from r in op.Db.TransitionRequests
            where r.Status == RequestStatus.Pending
            join m in models on r.ModelId equals m.Id
            join v in op.Db.Versions on r.VersionId equals v.Id
            // Only the columns the inbox shows and decides by: not a model's description or a version's source, read a
            // thousand times over at the bench's 1,000 pending requests.
            select new Row(r,
                new RegisteredModel { Id = m.Id, Name = m.Name, NormalizedName = "", CreatedById = m.CreatedById, FourEyes = m.FourEyes },
                new ModelVersion { Id = v.Id, ModelId = v.ModelId, Number = v.Number, Stage = v.Stage, CreatedById = "" })).ToListAsync(op.Ct);
        var byDefault = await RegistrySettingsService.FourEyesByDefaultAsync(op);
        return rows.Where(x => FourEyes.MayApprove(
            PermissionResolver.Effective(access.RoleLevel, grants.TryGetValue(x.Model.Id, out var g) ? g : null, x.Model.CreatedById == access.UserId),
            x.Version.Stage, x.Request.ToStage, x.Model.FourEyes ?? byDefault, x.Request.RequestedById == access.UserId)).ToList();
    }

    private static async Task<List<RequestMove>> MovesAsync(OperationContext op, List<Row> rows)
    {
        var names = await op.Db.UserNamesAsync(rows.Select(x => x.Request.RequestedById), op.Ct);
        return rows.Select(x => new RequestMove(TransitionRequestService.ToView(x.Model, x.Version, x.Request, names), x.Version.Stage)).ToList();
    }
}

/// <param name="Model">Only this model's requests (its name, any case).</param>
/// <param name="ToStage">Only requests to this stage.</param>
/// <param name="PageIndex">From 0; past the last page, the last page.</param>
public sealed record InboxQuery(string? Model = null, Stage? ToStage = null, bool OldestFirst = false, int PageIndex = 0,
    int PageSize = InboxQuery.DefaultPageSize)
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 100;
}

/// <param name="Requests">A page of the requests the caller may approve that match the query, each with the stage its move starts from.</param>
/// <param name="Models">Every model with a request the caller may approve, for the filter.</param>
public sealed record Inbox(Page<RequestMove> Requests, IReadOnlyList<string> Models)
{
    public IReadOnlyList<RequestMove> Items => Requests.Items;
}
