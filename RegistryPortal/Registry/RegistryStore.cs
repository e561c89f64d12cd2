using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using RegistryPortal.Data;
using RegistryPortal.Domain;
using RegistryPortal.Security;

namespace RegistryPortal.Registry;

/// <summary>
/// Runs one service operation on its own DbContext. Writes run in a transaction that takes the database's
/// one write lock at its start (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped advisory lock),
/// so the checks an operation makes still hold when it commits: two racing transitions are serialised,
/// never interleaved, also across instances on one PostgreSQL database. Busy databases are retried.
/// </summary>
public sealed class RegistryStore(IDbContextFactory<RegistryDbContext> factory, TimeProvider clock, RegistryChanges changes)
{
    private const int MaxAttempts = 5;

    /// <summary>The time of an operation, to the microsecond: what PostgreSQL's timestamps keep, so a value read back equals the one written.</summary>
    public DateTime Now
    {
        get
        {
            var now = clock.GetUtcNow().UtcDateTime;
            return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
        }
    }

    public async Task<T> ReadAsync<T>(Actor actor, Func<OperationContext, Task<T>> read, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.NoTracking;
        var access = await PermissionResolver.AccessOfAsync(db, actor, ct);
        return await read(new OperationContext(db, access, actor, Now, ct));
    }

    public async Task<T> WriteAsync<T>(Actor actor, Func<OperationContext, Task<T>> write, CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var db = await factory.CreateDbContextAsync(ct);
                await using var transaction = await BeginWriteAsync(db, ct);
                var access = await PermissionResolver.AccessOfAsync(db, actor, ct);
                var operation = new OperationContext(db, access, actor, Now, ct);
                var result = await write(operation);
                await CommitAsync(operation, transaction);
                return result;
            }
            catch (Exception e) when (attempt < MaxAttempts && IsBusy(e))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt), ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                throw RegistryError.Conflict("Someone else changed this at the same time. Reload to see their change, then try again.");
            }
        }
    }

    public Task WriteAsync(Actor actor, Func<OperationContext, Task> write, CancellationToken ct = default) =>
        WriteAsync<bool>(actor, async op => { await write(op); return true; }, ct);

    /// <summary>A write transaction, holding the database's write lock from its start until it ends.</summary>
    internal static async Task<IDbContextTransaction> BeginWriteAsync(RegistryDbContext db, CancellationToken ct)
    {
        var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.TakeWriteLockAsync(ct);
        return transaction;
    }

    /// <summary>Saves and commits an operation, telling other instances (at commit) and then this one's open pages.</summary>
    internal async Task CommitAsync(OperationContext operation, IDbContextTransaction transaction)
    {
        await operation.Db.SaveChangesAsync(operation.Ct);
        var committed = operation.Recorded.Select(e => new RegistryChange(e.ModelName, e.VersionNumber, e.Kind)).ToList();
        if (committed.Count > 0) await operation.Db.AnnounceAsync(changes.InstanceId, committed, operation.Ct);
        await transaction.CommitAsync(operation.Ct);
        changes.Publish(committed);
    }

    /// <summary>Whether the database refused a write for other writers at the same time: the transaction is retried.</summary>
    internal static bool IsBusy(Exception e) => e switch
    {
        SqliteException { SqliteErrorCode: 5 or 6 } => true, // SQLITE_BUSY, SQLITE_LOCKED
        PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected } => true, // 40001, 40P01
        _ when e.InnerException is { } inner => IsBusy(inner),
        _ => false,
    };
}

/// <summary>What a service operation works with: its DbContext, the caller and their roles, and "now".</summary>
public sealed record OperationContext(
    RegistryDbContext Db, UserAccess Access, Actor Actor, DateTime Now, CancellationToken Ct)
{
    /// <summary>The events this operation appended, published to open pages once it commits.</summary>
    public List<ActivityEvent> Recorded { get; } = [];

    public Task<PermissionLevel> DemandAsync(RegisteredModel model, PermissionLevel needed, string toDoWhat) =>
        PermissionResolver.DemandAsync(Db, Access, model, needed, toDoWhat, Ct);

    public Task<PermissionLevel> LevelOnAsync(RegisteredModel model) =>
        PermissionResolver.LevelOnAsync(Db, Access, model, Ct);

    /// <summary>Appends the activity event that every change records.</summary>
    public ActivityEvent Record(ActivityKind kind, RegisteredModel model, ModelVersion? version = null,
        string comment = "", string detail = "", Stage? from = null, Stage? to = null, int? requestId = null,
        string? subjectUserId = null)
    {
        var activity = new ActivityEvent
        {
            At = Now, UserId = Actor.UserId, Kind = kind, ModelId = model.Id, ModelName = model.Name,
            VersionNumber = version?.Number, FromStage = from, ToStage = to, Comment = comment ?? "",
            Detail = detail, RequestId = requestId, SubjectUserId = subjectUserId,
        };
        return Add(activity);
    }

    /// <summary>Appends the event of an admin action on an account (no model).</summary>
    public ActivityEvent RecordAdmin(ActivityKind kind, string subjectUserId, string detail) =>
        Add(new ActivityEvent { At = Now, UserId = Actor.UserId, Kind = kind, SubjectUserId = subjectUserId, Detail = detail });

    private ActivityEvent Add(ActivityEvent activity)
    {
        Db.Activity.Add(activity);
        Recorded.Add(activity);
        return activity;
    }
}
