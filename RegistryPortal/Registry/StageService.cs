using RegistryPortal.Domain;
using RegistryPortal.Security;

namespace RegistryPortal.Registry;

/// <summary>Direct stage transitions by a user who may make the move.</summary>
public sealed class StageService(RegistryStore store)
{
    /// <param name="stage">Any case: "production", "Staging", "ARCHIVED", "None".</param>
    public Task<VersionView> TransitionAsync(Actor actor, string modelName, int number, string stage,
        bool archiveExisting = false, string? comment = null, CancellationToken ct = default) =>
        store.WriteModelAsync(actor, async op =>
        {
            var target = Stages.Parse(stage);
            var (model, version) = await VersionService.FindAsync(op, modelName, number);
            await Transitions.MoveAsync(op, model, version, target, archiveExisting, comment ?? "", closingRequest: null);
            return await VersionService.ViewAsync(op, model, version);
        }, ct);
}
