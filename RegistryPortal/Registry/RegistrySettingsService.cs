using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;
using RegistryPortal.Security;

namespace RegistryPortal.Registry;

/// <summary>The registry-wide settings: every signed-in user reads them (pages show their effect); admins change them.</summary>
public sealed class RegistrySettingsService(RegistryStore store)
{
    public Task<RegistrySettingsView> GetAsync(Actor actor, CancellationToken ct = default) =>
        store.ReadAsync(actor, async op => new RegistrySettingsView(await FourEyesByDefaultAsync(op), op.Access.IsAdmin), ct);

    /// <summary>Four-eyes protection for every model without a setting of its own; recorded in the audit log.</summary>
    public Task SetFourEyesByDefaultAsync(Actor actor, bool enabled, CancellationToken ct = default) =>
        store.WriteAsync(actor, async op =>
        {
            if (!op.Access.IsAdmin) throw RegistryError.PermissionDenied("Only admins change the registry's settings. Ask an admin.");
            var settings = await op.Db.Settings.FirstOrDefaultAsync(s => s.Id == RegistrySettings.SingletonId, op.Ct);
            if (settings is null) op.Db.Settings.Add(settings = new RegistrySettings());
            if (settings.FourEyesByDefault == enabled) return;
            settings.FourEyesByDefault = enabled;
            op.RecordAdmin(ActivityKind.RegistrySettingsChanged, subjectUserId: null,
                $"four-eyes protection by default {(enabled ? "on" : "off")}");
        }, ct);

    /// <summary>Whether four-eyes protection applies to <paramref name="model"/>: its own setting, else the registry's default.</summary>
    internal static async Task<bool> FourEyesOnAsync(OperationContext op, RegisteredModel model) =>
        model.FourEyes ?? await FourEyesByDefaultAsync(op);

    internal static Task<bool> FourEyesByDefaultAsync(OperationContext op) => op.Db.ReadWithLock is { } read
        ? Task.FromResult(read.FourEyesByDefault)
        : op.Db.Settings.Where(s => s.Id == RegistrySettings.SingletonId).Select(s => s.FourEyesByDefault).FirstOrDefaultAsync(op.Ct);
}

/// <param name="MayChange">Whether the caller (an admin) may change them.</param>
public sealed record RegistrySettingsView(bool FourEyesByDefault, bool MayChange);
