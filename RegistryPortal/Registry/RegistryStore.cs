using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using RegistryPortal.Data;
using RegistryPortal.Domain;
using RegistryPortal.Security;
using RegistryPortal.Webhooks;

namespace RegistryPortal.Registry;

/// <summary>
/// Runs one service operation on its own DbContext. Writes run in a transaction that takes a write lock at its
/// start, so the checks an operation makes still hold when it commits: two racing transitions are serialised,
/// never interleaved, also across instances on one PostgreSQL database. Busy databases are retried.
/// <para>SQLite has one writer at a time. On PostgreSQL a write of the whole registry (<see cref="WriteAsync{T}"/>:
/// create, rename or delete a model, users, runs) takes one database-wide advisory lock; a write of one model
/// (<see cref="WriteModelAsync{T}"/>: versions, stages, requests, tags, aliases) takes that lock shared plus its
/// model's row lock, so writes to different models run in parallel, on any number of instances.</para>
/// </summary>
public sealed class RegistryStore(IDbContextFactory<RegistryDbContext> factory, TimeProvider clock, RegistryChanges changes,
    IOptions<DatabaseOptions> database) : IDisposable
{
    private const int MaxAttempts = 5;

    /// <summary>
    /// SQLite has one writer at a time anyway; queueing this process's writers here, in order, spares them
    /// SQLite's busy loop, which sleeps in steps of up to 150 ms while another transaction holds the lock.
    /// </summary>
    private readonly SemaphoreSlim sqliteWriters = new(1, 1);

    /// <summary>
    /// PostgreSQL: the write transactions this instance keeps open at once (<see cref="DatabaseOptions.WriteSlots"/>);
    /// later ones wait here, in order, before they begin. Every open write would otherwise take turns on the cores
    /// while holding its model's lock: under 32 writers of 8 models on 2 cores a lock was held 6 ms on average, 3.9 ms
    /// with these slots, and the model's next writers queue behind it (README, Benchmark: Write slots).
    /// </summary>
    private readonly SemaphoreSlim writeSlots = new(database.Value.WriteSlots, database.Value.WriteSlots);

    /// <summary>Models' views as readers last built them (writes answer from their own transaction instead).</summary>
    private readonly ModelViewCache views = new();

    private readonly Lazy<SqliteWriterThread?> writerThread = new(() =>
    {
        using var db = factory.CreateDbContext();
        return db.HasOneWriter ? new SqliteWriterThread() : null;
    });

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
        // One connection for the operation's queries: EF Core otherwise opens and closes it around each one.
        await db.Database.OpenConnectionAsync(ct);
        var access = await PermissionResolver.AccessOfAsync(db, actor, ct);
        return await read(new OperationContext(db, access, actor, Now, ct) { Views = views });
    }

    /// <summary>A write that may touch anything: it runs alone.</summary>
    public Task<T> WriteAsync<T>(Actor actor, Func<OperationContext, Task<T>> write, CancellationToken ct = default) =>
        WriteAsync(actor, WriteScope.Registry, write, ct);

    /// <summary>
    /// A write of one existing model and its versions, requests, tags and aliases. It must find the model with
    /// <see cref="OperationContext.FindModelAsync"/> (or lock it with <see cref="OperationContext.LockModelAsync"/>)
    /// before reading anything else of it; changing rows of another model (or none) is refused at commit.
    /// </summary>
    public Task<T> WriteModelAsync<T>(Actor actor, Func<OperationContext, Task<T>> write, CancellationToken ct = default) =>
        WriteAsync(actor, WriteScope.OneModel, write, ct);

    public Task WriteModelAsync(Actor actor, Func<OperationContext, Task> write, CancellationToken ct = default) =>
        WriteModelAsync<bool>(actor, async op => { await write(op); return true; }, ct);

    private Task<T> WriteAsync<T>(Actor actor, WriteScope scope, Func<OperationContext, Task<T>> write, CancellationToken ct) =>
        RetryingAsync(() => writerThread.Value is { } thread && !(thread.Idle && sqliteWriters.CurrentCount > 0)
            ? thread.RunAsync(() => AttemptAsync(actor, scope, write, ct))
            // Nobody writing: the write runs at once on the caller's thread (SQLite completes it synchronously).
            : AttemptAsync(actor, scope, write, ct), ct);

    private async Task<T> AttemptAsync<T>(Actor actor, WriteScope scope, Func<OperationContext, Task<T>> write, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var transaction = await BeginWriteAsync(db, ct, scope, actor);
        var operation = new OperationContext(db, transaction.Access!, actor, Now, ct) { Scope = scope };
        var result = await write(operation);
        await CommitAsync(operation, transaction);
        return result;
    }

    /// <summary>
    /// Runs a whole write transaction again while the database is busy with other writers, and turns a lost
    /// optimistic check (a row changed since it was read) into the conflict users see.
    /// </summary>
    internal static async Task<T> RetryingAsync<T>(Func<Task<T>> transaction, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await transaction();
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

    public void Dispose()
    {
        if (writerThread.IsValueCreated) writerThread.Value?.Dispose();
    }

    public Task WriteAsync(Actor actor, Func<OperationContext, Task> write, CancellationToken ct = default) =>
        WriteAsync<bool>(actor, async op => { await write(op); return true; }, ct);

    /// <summary>
    /// A write transaction, holding the database's write lock from its start until it is disposed; with an
    /// <paramref name="actor"/>, also their access, read once the lock is held.
    /// </summary>
    internal async Task<WriteTransaction> BeginWriteAsync(RegistryDbContext db, CancellationToken ct, WriteScope scope = WriteScope.Registry,
        Actor? actor = null)
    {
        var gate = db.HasOneWriter ? sqliteWriters : writeSlots;
        await gate.WaitAsync(ct);
        try
        {
            var transaction = await db.Database.BeginTransactionAsync(ct);
            // A failed save fails the whole attempt, which is rolled back and run again: no savepoint to return to.
            db.Database.AutoSavepointsEnabled = false;
            var shared = scope == WriteScope.OneModel;
            if (actor is null)
            {
                await db.TakeWriteLockAsync(shared, ct);
                return new WriteTransaction(transaction, gate);
            }
            return new WriteTransaction(transaction, gate) { Access = await db.TakeWriteLockThenAccessOfAsync(shared, actor, ct) };
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    /// <summary>Saves and commits an operation with its webhook deliveries, then tells this instance's open pages and the other instances.</summary>
    internal async Task CommitAsync(OperationContext operation, WriteTransaction transaction)
    {
        if (operation.Scope == WriteScope.OneModel) operation.EnsureOnlyLockedModelsChanged();
        await WebhookOutbox.AddAsync(operation);
        await operation.Db.SaveChangesAsync(operation.Ct);
        await transaction.Transaction.CommitAsync(operation.Ct);
        changes.PublishCommitted([.. operation.Recorded.Select(e => new RegistryChange(e.ModelName, e.VersionNumber, e.Kind))]);
        if (operation.QueuedDeliveries) changes.PublishDeliveriesQueued();
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

/// <summary>A write transaction and its slot in this instance's writers: both end when it is disposed.</summary>
internal sealed class WriteTransaction(IDbContextTransaction transaction, SemaphoreSlim gate) : IAsyncDisposable
{
    public IDbContextTransaction Transaction => transaction;

    /// <summary>The caller's access, read once the lock was held (when the transaction was begun for a caller).</summary>
    public UserAccess? Access { get; init; }

    public async ValueTask DisposeAsync()
    {
        try { await transaction.DisposeAsync(); }
        finally { gate.Release(); }
    }
}

/// <summary>What a write may change: anything, running alone, or one model, beside writes of other models.</summary>
public enum WriteScope
{
    Registry,
    OneModel,
}

/// <summary>What a service operation works with: its DbContext, the caller and their roles, and "now".</summary>
public sealed record OperationContext(
    RegistryDbContext Db, UserAccess Access, Actor Actor, DateTime Now, CancellationToken Ct)
{
    public WriteScope Scope { get; init; } = WriteScope.Registry;

    /// <summary>The cache of models' views that reads use; null in writes, which must show their own transaction's state.</summary>
    internal ModelViewCache? Views { get; init; }

    private readonly HashSet<int> lockedModels = [];

    /// <summary>
    /// A model found by name. In a write of one model it is locked first (PostgreSQL; SQLite's one writer needs no
    /// lock), so it is read as its other writers left it, and nothing else of it can change until this commits.
    /// </summary>
    public async Task<RegisteredModel> FindModelAsync(string? name)
    {
        if (Scope != WriteScope.OneModel) return await Db.ModelAsync(name, Ct);
        var model = await Db.LockedModelAsync(name, Ct);
        lockedModels.Add(model.Id);
        return model;
    }

    /// <summary>In a write of one model, locks a model known by its id before anything of it is read (a request's model).</summary>
    public async Task LockModelAsync(int modelId)
    {
        if (Scope != WriteScope.OneModel || !lockedModels.Add(modelId)) return;
        await Db.LockModelAsync(modelId, Ct);
    }

    /// <summary>A write of one model that changed rows of a model it did not lock would race with that model's writers.</summary>
    internal void EnsureOnlyLockedModelsChanged()
    {
        foreach (var (entry, modelId) in ChangedRows.WithModels(Db))
        {
            if (modelId is not { } id || !lockedModels.Contains(id))
                throw new InvalidOperationException(
                    $"A write of one model changed a {entry.Entity.GetType().Name} of a model it did not lock: use RegistryStore.WriteAsync, or lock the model first.");
        }
    }

    /// <summary>The events this operation appended, published to open pages once it commits.</summary>
    public List<ActivityEvent> Recorded { get; } = [];

    /// <summary>Set when the operation queued webhook deliveries: the worker is woken when it commits.</summary>
    public bool QueuedDeliveries { get; set; }

    /// <summary>The model a write of one model changes: found by name, locked, and the caller's level on it checked.</summary>
    public async Task<RegisteredModel> ModelToChangeAsync(string? name, PermissionLevel needed, string toDoWhat)
    {
        var model = await FindModelAsync(name);
        await DemandAsync(model, needed, toDoWhat);
        return model;
    }

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

    /// <summary>Appends the event of an admin action on an account, or on the registry's settings (no subject); no model.</summary>
    public ActivityEvent RecordAdmin(ActivityKind kind, string? subjectUserId, string detail) =>
        Add(new ActivityEvent { At = Now, UserId = Actor.UserId, Kind = kind, SubjectUserId = subjectUserId, Detail = detail });

    private ActivityEvent Add(ActivityEvent activity)
    {
        Db.Activity.Add(activity);
        Recorded.Add(activity);
        return activity;
    }
}
