using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RegistryPortal.Tracking;

namespace RegistryPortal.Data;

internal sealed class ExperimentConfiguration : IEntityTypeConfiguration<Experiment>
{
    public void Configure(EntityTypeBuilder<Experiment> experiment)
    {
        experiment.Property(e => e.Name).HasMaxLength(500);
        experiment.HasIndex(e => e.Name).IsUnique();
        experiment.HasMany(e => e.Tags).WithOne().HasForeignKey(t => t.ExperimentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ExperimentTagConfiguration : IEntityTypeConfiguration<ExperimentTag>
{
    public void Configure(EntityTypeBuilder<ExperimentTag> tag) => tag.HasKey(t => new { t.ExperimentId, t.Key });
}

internal sealed class RunConfiguration : IEntityTypeConfiguration<Run>
{
    public void Configure(EntityTypeBuilder<Run> run)
    {
        run.Property(r => r.Id).HasMaxLength(32);
        run.HasOne<Experiment>().WithMany().HasForeignKey(r => r.ExperimentId).OnDelete(DeleteBehavior.Cascade);
        run.HasIndex(r => new { r.ExperimentId, r.StartTime });
        run.HasMany(r => r.Params).WithOne().HasForeignKey(p => p.RunId).OnDelete(DeleteBehavior.Cascade);
        run.HasMany(r => r.Tags).WithOne().HasForeignKey(t => t.RunId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RunParamConfiguration : IEntityTypeConfiguration<RunParam>
{
    public void Configure(EntityTypeBuilder<RunParam> param) => param.HasKey(p => new { p.RunId, p.Key });
}

internal sealed class RunTagConfiguration : IEntityTypeConfiguration<RunTag>
{
    public void Configure(EntityTypeBuilder<RunTag> tag) => tag.HasKey(t => new { t.RunId, t.Key });
}

internal sealed class RunMetricConfiguration : IEntityTypeConfiguration<RunMetric>
{
    public void Configure(EntityTypeBuilder<RunMetric> metric)
    {
        metric.HasOne<Run>().WithMany().HasForeignKey(m => m.RunId).OnDelete(DeleteBehavior.Cascade);
        metric.HasIndex(m => new { m.RunId, m.Key, m.Step, m.Timestamp });
    }
}

internal sealed class LoggedModelConfiguration : IEntityTypeConfiguration<LoggedModel>
{
    public void Configure(EntityTypeBuilder<LoggedModel> model)
    {
        model.Property(m => m.Id).HasMaxLength(34);
        model.Property(m => m.Status).HasMaxLength(32);
        model.HasOne<Experiment>().WithMany().HasForeignKey(m => m.ExperimentId).OnDelete(DeleteBehavior.Cascade);
        // logged-models/search by experiment (newest first) and the runs:/<run>/<name> lookup by name.
        model.HasIndex(m => new { m.ExperimentId, m.CreationTime });
        model.HasIndex(m => new { m.ExperimentId, m.Name });
        model.HasIndex(m => m.SourceRunId);
        model.HasMany(m => m.Params).WithOne().HasForeignKey(p => p.ModelId).OnDelete(DeleteBehavior.Cascade);
        model.HasMany(m => m.Tags).WithOne().HasForeignKey(t => t.ModelId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class LoggedModelParamConfiguration : IEntityTypeConfiguration<LoggedModelParam>
{
    public void Configure(EntityTypeBuilder<LoggedModelParam> param) => param.HasKey(p => new { p.ModelId, p.Key });
}

internal sealed class LoggedModelTagConfiguration : IEntityTypeConfiguration<LoggedModelTag>
{
    public void Configure(EntityTypeBuilder<LoggedModelTag> tag) => tag.HasKey(t => new { t.ModelId, t.Key });
}

internal sealed class LoggedModelMetricConfiguration : IEntityTypeConfiguration<LoggedModelMetric>
{
    public void Configure(EntityTypeBuilder<LoggedModelMetric> metric)
    {
        metric.HasOne<LoggedModel>().WithMany().HasForeignKey(m => m.ModelId).OnDelete(DeleteBehavior.Cascade);
        metric.HasIndex(m => new { m.ModelId, m.Key, m.Step, m.Timestamp });
    }
}

internal sealed class RunModelOutputConfiguration : IEntityTypeConfiguration<RunModelOutput>
{
    public void Configure(EntityTypeBuilder<RunModelOutput> output)
    {
        output.HasKey(o => new { o.RunId, o.ModelId });
        output.HasOne<Run>().WithMany().HasForeignKey(o => o.RunId).OnDelete(DeleteBehavior.Cascade);
        output.HasOne<LoggedModel>().WithMany().HasForeignKey(o => o.ModelId).OnDelete(DeleteBehavior.Cascade);
    }
}
