using RegistryPortal.Domain;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry;

/// <summary>Four-eyes protection: with it on, Production moves only by a request that someone other than its requester approves.</summary>
public class FourEyesTests
{
    /// <summary>Every way to hold the level for a Production move: roles, a grant, the creator rule.</summary>
    public static TheoryData<string> Movers => new() { "ProductionManager", "Manager", "Admin", "grant Manage Production Versions", "grant Manage", "creator" };

    private static async Task<(string Name, Actor Mover)> ProtectedModelAsync(TestRegistry registry, string mover, params Stage[] stages)
    {
        var (name, owner) = await registry.ModelInStagesAsync(stages);
        await registry.Models.SetFourEyesAsync(owner, name, true);
        if (mover == "creator") return (name, owner);
        if (!mover.StartsWith("grant ", StringComparison.Ordinal)) return (name, await registry.UserAsync(mover));
        var granted = await registry.UserAsync(Roles.Reader);
        var level = mover == "grant Manage" ? PermissionLevel.Manage : PermissionLevel.ManageProductionVersions;
        await registry.Permissions.GrantAsync(await registry.AdminAsync(), name, granted.UserId, level);
        return (name, granted);
    }

    [Theory]
    [MemberData(nameof(Movers))]
    public async Task Nobody_moves_a_version_into_or_out_of_production_directly(string mover)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, actor) = await ProtectedModelAsync(registry, mover, Stage.Staging, Stage.Production);

        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Stages.TransitionAsync(actor, name, 1, "Production"),
            "Four-eyes protection is on", "Request the transition of version 1 to Production");
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Stages.TransitionAsync(actor, name, 2, "Archived"),
            "Four-eyes protection is on");

        Assert.Equal(new Dictionary<int, Stage> { [1] = Stage.Staging, [2] = Stage.Production }, await registry.StagesOfAsync(name));
        // Moves among None, Staging and Archived are not its business.
        await registry.Stages.TransitionAsync(actor, name, 1, "Archived");
        Assert.Equal(Stage.Archived, await registry.StageOfAsync(name, 1));
    }

    [Theory]
    [MemberData(nameof(Movers))]
    public async Task A_production_request_is_approved_by_someone_other_than_its_requester(string mover)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, actor) = await ProtectedModelAsync(registry, mover, Stage.Staging);
        var request = await registry.Requests.CreateAsync(actor, name, 1, "Production", comment: "ship it");

        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Requests.ApproveAsync(actor, request.Id, "self"),
            $"You cannot approve your own request #{request.Id}", "someone other than the requester");
        Assert.Equal((Stage.Staging, RequestStatus.Pending), (await registry.StageOfAsync(name, 1), (await registry.RequestAsync(request.Id)).Status));

        var reviewer = await registry.UserAsync(Roles.ProductionManager);
        await registry.Requests.ApproveAsync(reviewer, request.Id, "second pair of eyes");
        Assert.Equal(Stage.Production, await registry.StageOfAsync(name, 1));
    }

    [Fact]
    public async Task The_reviewer_still_needs_the_level_for_the_move()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await ProtectedModelAsync(registry, "creator", Stage.Staging);
        var request = await registry.Requests.CreateAsync(owner, name, 1, "Production");
        var stagingManager = await registry.UserAsync(Roles.StagingManager);

        await Expect.RefusalAsync(ErrorKind.PermissionDenied,
            () => registry.Requests.ApproveAsync(stagingManager, request.Id), "Manage Production Versions");
    }

    [Fact]
    public async Task Staging_requests_and_moves_are_unchanged_and_the_requester_may_still_cancel_or_reject()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await ProtectedModelAsync(registry, "creator", Stage.None, Stage.Staging);
        var toStaging = await registry.Requests.CreateAsync(owner, name, 1, "Staging");
        await registry.Requests.ApproveAsync(owner, toStaging.Id); // not a Production move: the requester may approve it
        Assert.Equal(Stage.Staging, await registry.StageOfAsync(name, 1));

        var toProduction = await registry.Requests.CreateAsync(owner, name, 2, "Production");
        await registry.Requests.RejectAsync(owner, toProduction.Id, "changed my mind");
        Assert.Equal(RequestStatus.Rejected, (await registry.RequestAsync(toProduction.Id)).Status);
    }

    [Fact]
    public async Task The_registry_default_protects_every_model_without_a_setting_of_its_own()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.AdminAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.Staging);
        var (own, ownOwner) = await registry.ModelInStagesAsync(Stage.Staging);
        await registry.Models.SetFourEyesAsync(ownOwner, own, false);
        Assert.False((await registry.Settings.GetAsync(owner)).FourEyesByDefault);

        await registry.Settings.SetFourEyesByDefaultAsync(admin, true);

        Assert.True((await registry.Settings.GetAsync(owner)).FourEyesByDefault);
        var details = await registry.Models.GetAsync(owner, name);
        Assert.Equal((true, true), (details.FourEyes, details.FourEyesByDefault));
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Stages.TransitionAsync(owner, name, 1, "Production"), "Four-eyes");
        // A model's own "off" (set while the default was off) wins over the default.
        await registry.Stages.TransitionAsync(ownOwner, own, 1, "Production");
        Assert.Equal(Stage.Production, await registry.StageOfAsync(own, 1));
    }

    [Fact]
    public async Task Only_admins_change_the_registry_default_and_it_is_in_the_audit_log()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.AdminAsync();
        var manager = await registry.UserAsync(Roles.Manager);

        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Settings.SetFourEyesByDefaultAsync(manager, true), "Only admins");
        Assert.False((await registry.Settings.GetAsync(admin)).FourEyesByDefault);
        Assert.False((await registry.Settings.GetAsync(manager)).MayChange);

        await registry.Settings.SetFourEyesByDefaultAsync(admin, true);
        await registry.Settings.SetFourEyesByDefaultAsync(admin, true); // no change, no entry
        await registry.Settings.SetFourEyesByDefaultAsync(admin, false);

        var audit = await registry.Audit.ListAsync(admin, new AuditQuery(Kind: ActivityKind.RegistrySettingsChanged));
        Assert.Equal(["four-eyes protection by default off", "four-eyes protection by default on"], audit.Items.Select(e => e.Detail));
        Assert.All(audit.Items, e => Assert.Equal(admin.UserId, e.ActorId));
    }

    [Fact]
    public async Task Manage_turns_it_on_only_an_admin_turns_it_off_and_each_switch_is_in_the_activity_and_the_audit_log()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.AdminAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.Staging);

        await Expect.RefusalAsync(ErrorKind.PermissionDenied,
            async () => await registry.Models.SetFourEyesAsync(await registry.UserAsync(Roles.ProductionManager), name, true), "Manage");
        Assert.Equal("Changing four-eyes protection takes the Manage permission.",
            (await registry.Models.GetAsync(await registry.UserAsync(Roles.ProductionManager), name)).FourEyesLockedBecause);
        Assert.Null((await registry.Models.GetAsync(owner, name)).FourEyesLockedBecause);

        await registry.Models.SetFourEyesAsync(owner, name, true);
        var locked = (await registry.Models.GetAsync(owner, name)).FourEyesLockedBecause;
        var refusal = await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Models.SetFourEyesAsync(owner, name, false), "Only an admin");
        Assert.Equal(refusal.Message, locked);
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Models.SetFourEyesAsync(owner, name, null), "Only an admin");
        Assert.Null((await registry.Models.GetAsync(admin, name)).FourEyesLockedBecause);

        await registry.Models.SetFourEyesAsync(admin, name, null);
        var after = await registry.Models.GetAsync(owner, name);
        Assert.Equal((false, true), (after.FourEyes, after.FourEyesByDefault));

        var events = (await registry.EventsAsync(name)).Where(e => e.Kind == ActivityKind.FourEyesChanged).ToList();
        Assert.Equal(["four-eyes protection on", "four-eyes protection follows the registry default (off)"], events.Select(e => e.Detail));
        var audit = await registry.Audit.ListAsync(admin, new AuditQuery(Kind: ActivityKind.FourEyesChanged));
        Assert.Equal([name, name], audit.Items.Select(e => e.ModelName));
    }
}
