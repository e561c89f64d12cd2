using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using RegistryPortal.Domain;
using RegistryPortal.Tracking;

namespace RegistryPortal.Data;

public class RegistryDbContext(DbContextOptions<RegistryDbContext> options) : IdentityDbContext<ApplicationUser>(options)
{
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
    public DbSet<AccessToken> AccessTokens => Set<AccessToken>();

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
        // Every timestamp is stored in UTC; SQLite keeps no kind, so say so when reading it back.
        configuration.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        value => value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value,
        value => DateTime.SpecifyKind(value, DateTimeKind.Utc));

    public override Task<int> SaveChangesAsync(CancellationToken cancellationToken = default)
    {
        RenewConcurrencyStamps();
        return base.SaveChangesAsync(cancellationToken);
    }

    public override int SaveChanges()
    {
        RenewConcurrencyStamps();
        return base.SaveChanges();
    }

    /// <summary>Every update of a model or version row gets a new stamp, so a copy read before it is stale.</summary>
    private void RenewConcurrencyStamps()
    {
        foreach (var entry in ChangeTracker.Entries())
        {
            if (entry.State != EntityState.Modified) continue;
            switch (entry.Entity)
            {
                case RegisteredModel model: model.ConcurrencyStamp = Guid.NewGuid(); break;
                case ModelVersion version: version.ConcurrencyStamp = Guid.NewGuid(); break;
            }
        }
    }
}
