using System.Linq.Expressions;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Registry.Search;
using RegistryPortal.Search;
using RegistryPortal.Security;
using RegistryPortal.Tracking;
using RegistryPortal.Webhooks;

namespace RegistryPortal.Data;

/// <summary>
/// The registry's database on SQLite (the default; its migrations are in Data/Migrations). PostgreSQL uses
/// <see cref="PostgresRegistryDbContext"/>, the same model with its own migrations; the few things the two
/// databases do differently are the virtual members at the end, overridden there.
/// </summary>
public class RegistryDbContext : IdentityDbContext<ApplicationUser>, IDataProtectionKeyContext
{
    public RegistryDbContext(DbContextOptions<RegistryDbContext> options) : base(options) { }

    /// <summary>For a provider's derived context, whose options name its own type.</summary>
    protected RegistryDbContext(DbContextOptions options) : base(options) { }

    public DbSet<RegisteredModel> Models => Set<RegisteredModel>();
    public DbSet<ModelVersion> Versions => Set<ModelVersion>();
    public DbSet<ModelTag> ModelTags => Set<ModelTag>();
    public DbSet<VersionTag> VersionTags => Set<VersionTag>();
    public DbSet<ModelAlias> Aliases => Set<ModelAlias>();
    public DbSet<TransitionRequest> TransitionRequests => Set<TransitionRequest>();
    public DbSet<ActivityEvent> Activity => Set<ActivityEvent>();
    public DbSet<ModelPermissionGrant> Grants => Set<ModelPermissionGrant>();
    public DbSet<Experiment> Experiments => Set<Experiment>();
    public DbSet<Run> Runs => Set<Run>();
    public DbSet<RunParam> RunParams => Set<RunParam>();
    public DbSet<RunTag> RunTags => Set<RunTag>();
    public DbSet<RunMetric> RunMetrics => Set<RunMetric>();
    public DbSet<LoggedModel> LoggedModels => Set<LoggedModel>();
    public DbSet<LoggedModelParam> LoggedModelParams => Set<LoggedModelParam>();
    public DbSet<LoggedModelTag> LoggedModelTags => Set<LoggedModelTag>();
    public DbSet<LoggedModelMetric> LoggedModelMetrics => Set<LoggedModelMetric>();
    public DbSet<RunModelOutput> RunModelOutputs => Set<RunModelOutput>();
    public DbSet<AccessToken> AccessTokens => Set<AccessToken>();
    public DbSet<RegistrySettings> Settings => Set<RegistrySettings>();
    /// <summary>ASP.NET Core Data Protection's keys: every instance on the database signs and reads the same cookies.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(RegistryDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configuration)
    {
        // Enums are stored by name: readable in the database and stable when members are added.
        configuration.Properties<Stage>().HaveConversion<string>().HaveMaxLength(16);
        configuration.Properties<VersionStatus>().HaveConversion<string>().HaveMaxLength(24);
        configuration.Properties<RequestStatus>().HaveConversion<string>().HaveMaxLength(16);
        configuration.Properties<ActivityKind>().HaveConversion<string>().HaveMaxLength(32);
        configuration.Properties<PermissionLevel>().HaveConversion<string>().HaveMaxLength(32);
        // Every timestamp is stored in UTC; SQLite keeps no kind, so say so when reading it back. A value of
        // no kind is taken as UTC (PostgreSQL's timestamptz accepts UTC values only).
        configuration.Properties<DateTime>().HaveConversion(TimestampConverter);
    }

    /// <summary>SQLite's timestamps are text, read by a parser of their one shape; PostgreSQL's are timestamptz.</summary>
    protected virtual Type TimestampConverter => typeof(SqliteTimestampConverter);

    protected sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        value => value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc),
        value => DateTime.SpecifyKind(value, DateTimeKind.Utc));

    public override async Task<int> SaveChangesAsync(CancellationToken cancellationToken = default)
    {
        RenewConcurrencyStamps();
        await ContentStamps.RenewAsync(this, cancellationToken);
        return await base.SaveChangesAsync(cancellationToken);
    }

    public override int SaveChanges()
    {
        RenewConcurrencyStamps();
        ContentStamps.Renew(this);
        return base.SaveChanges();
    }

    /// <summary>
    /// Every updated model or version row gets a new stamp, so a copy read before it is stale; a new row without one gets its first.
    /// Run before the content stamps are renewed: a model whose only change is its content stamp (a version of it changed)
    /// keeps this stamp, since its own fields did not change.
    /// </summary>
    private void RenewConcurrencyStamps()
    {
        foreach (var entry in ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Modified or EntityState.Added)) continue;
            var renew = entry.State == EntityState.Modified;
            switch (entry.Entity)
            {
                case RegisteredModel model when renew || model.ConcurrencyStamp == Guid.Empty: model.ConcurrencyStamp = Guid.NewGuid(); break;
                case ModelVersion version when renew || version.ConcurrencyStamp == Guid.Empty: version.ConcurrencyStamp = Guid.NewGuid(); break;
            }
        }
    }

    /// <summary>The operation's caller and the name answers show for them, read with their roles (see PermissionResolver.AccessOfAsync).</summary>
    internal (string Id, string Name)? Caller { get; set; }

    /// <summary>
    /// What a write of one model read with its lock (PostgreSQL), in the same round trip: settings and webhooks that
    /// only writes of the whole registry change, so they hold until it commits. Null: read them when needed.
    /// </summary>
    internal RegistryWideReads? ReadWithLock { get; set; }

    // What the providers do differently. SQLite's are here; PostgresRegistryDbContext overrides them.

    /// <summary>Whether the database has one writer at a time (SQLite): the process queues its writers itself.</summary>
    internal virtual bool HasOneWriter => true;

    /// <summary>
    /// Called first in every write transaction: after it, the transaction holds the registry's write lock until
    /// it ends, <paramref name="shared"/> by writes of one model. SQLite's transaction already holds the database's
    /// only write lock (BEGIN IMMEDIATE), so there is nothing more to do.
    /// </summary>
    internal virtual Task TakeWriteLockAsync(bool shared, CancellationToken ct) => Task.CompletedTask;

    /// <summary>The write lock (<see cref="TakeWriteLockAsync"/>), then the caller's account and roles as they are once it is held.</summary>
    internal virtual async Task<UserAccess> TakeWriteLockThenAccessOfAsync(bool shared, Actor actor, CancellationToken ct)
    {
        await TakeWriteLockAsync(shared, ct);
        return await PermissionResolver.AccessOfAsync(this, actor, ct);
    }

    /// <summary>
    /// In a write of one model: the model with this normalized name (null if none), locked until the transaction
    /// ends and read as it is once locked. SQLite's one writer needs no lock.
    /// </summary>
    internal virtual Task<RegisteredModel?> LockModelByNameAsync(string normalizedName, CancellationToken ct) =>
        Lookups.TrackedModel(this, normalizedName, ct);

    /// <summary>The same lock, for a model known by its id; SQLite's one writer needs none.</summary>
    internal virtual Task LockModelAsync(int modelId, CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// MLflow's LIKE: case-sensitive, '%' and '_' wildcards, no escape character. SQLite's LIKE ignores ASCII
    /// case, so it is GLOB (always case-sensitive) with the pattern converted.
    /// </summary>
    internal virtual Expression<Func<string, bool>> Like(string pattern)
    {
        var glob = FilterExpressions.LikeToGlob(pattern);
        return s => EF.Functions.Glob(s, glob);
    }

    /// <summary>MLflow's ILIKE: LIKE ignoring case. SQLite's LIKE folds ASCII letters only.</summary>
    internal virtual Expression<Func<string, bool>> ILike(string pattern) => s => EF.Functions.Like(s, pattern);
}

/// <summary>The registry-wide facts a write of one model may need, read once its lock is held.</summary>
/// <param name="ActiveHooks">Every active webhook; null when there are more than a write should read (then it asks for its model's).</param>
internal sealed record RegistryWideReads(bool FourEyesByDefault, IReadOnlyList<ActiveHook>? ActiveHooks);
