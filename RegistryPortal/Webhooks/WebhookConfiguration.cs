using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RegistryPortal.Data;
using RegistryPortal.Domain;

namespace RegistryPortal.Webhooks;

internal sealed class WebhookConfiguration : IEntityTypeConfiguration<Webhook>
{
    public void Configure(EntityTypeBuilder<Webhook> hook)
    {
        hook.ToTable("Webhooks");
        hook.Property(w => w.Url).HasMaxLength(WebhookRules.MaxUrlLength);
        hook.Property(w => w.Description).HasMaxLength(WebhookRules.MaxDescriptionLength);
        hook.Property(w => w.Status).HasConversion<string>().HasMaxLength(16);
        hook.Property(w => w.CreatedById).HasMaxLength(450);
        hook.HasOne<RegisteredModel>().WithMany().HasForeignKey(w => w.ModelId).OnDelete(DeleteBehavior.Cascade);
        hook.HasIndex(w => w.ModelId);
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> delivery)
    {
        delivery.ToTable("WebhookDeliveries");
        delivery.Property(d => d.Event).HasMaxLength(64);
        delivery.Property(d => d.DeliveryId).HasMaxLength(36);
        delivery.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
        delivery.Property(d => d.Response).HasMaxLength(WebhookRules.MaxStoredResponse);
        delivery.HasOne<Webhook>().WithMany().HasForeignKey(d => d.WebhookId).OnDelete(DeleteBehavior.Cascade);
        // A webhook's next delivery (its oldest pending one) and its log, newest first.
        delivery.HasIndex(d => new { d.WebhookId, d.Status, d.Id });
        // The worker's question: which pending deliveries are due.
        delivery.HasIndex(d => new { d.Status, d.NextAttemptAt });
    }
}

internal static class WebhookSets
{
    public static DbSet<Webhook> Webhooks(this RegistryDbContext db) => db.Set<Webhook>();
    public static DbSet<WebhookDelivery> WebhookDeliveries(this RegistryDbContext db) => db.Set<WebhookDelivery>();
}
