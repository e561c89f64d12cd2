using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Security;

namespace RegistryPortal.Tests.TestSupport;

/// <summary>Short ways to build the registry state a test starts from, and to read what it left behind.</summary>
public static class RegistryTestExtensions
{
    /// <summary>The role that gives exactly <paramref name="level"/> on every model.</summary>
    public static string RoleFor(PermissionLevel level) => level switch
    {
        PermissionLevel.Read => Roles.Reader,
        PermissionLevel.Edit => Roles.Editor,
        PermissionLevel.ManageStagingVersions => Roles.StagingManager,
        PermissionLevel.ManageProductionVersions => Roles.ProductionManager,
        PermissionLevel.Manage => Roles.Manager,
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    /// <summary>A user whose role gives <paramref name="level"/> on every model (None: a user with no role).</summary>
    public static Task<Actor> UserWithLevelAsync(this TestRegistry registry, PermissionLevel level) =>
        level == PermissionLevel.None ? registry.UserAsync() : registry.UserAsync(RoleFor(level));

    /// <summary>
    /// A model whose version i+1 is in <paramref name="stages"/>[i] (moved there by its owner, who holds Manage as creator).
    /// </summary>
    public static async Task<(string Name, Actor Owner)> ModelInStagesAsync(this TestRegistry registry, params Stage[] stages)
    {
        var (name, owner) = await registry.ModelWithVersionsAsync(stages.Length);
        for (var i = 0; i < stages.Length; i++)
        {
            if (stages[i] != Stage.None) await registry.Stages.TransitionAsync(owner, name, i + 1, stages[i].ToString());
        }
        return (name, owner);
    }

    /// <summary>Each version's stage as stored, by number.</summary>
    public static Task<Dictionary<int, Stage>> StagesOfAsync(this TestRegistry registry, string modelName)
    {
        var normalized = ModelName.Normalize(modelName);
        return registry.QueryAsync(db => db.Versions.Where(v => v.Model!.NormalizedName == normalized)
            .ToDictionaryAsync(v => v.Number, v => v.Stage));
    }

    public static async Task<Stage> StageOfAsync(this TestRegistry registry, string modelName, int number) =>
        (await registry.StagesOfAsync(modelName))[number];

    /// <summary>The stored activity events of a model (by its current name), oldest first.</summary>
    public static async Task<List<ActivityEvent>> EventsAsync(this TestRegistry registry, string modelName) =>
        await registry.EventsOfModelIdAsync(await registry.ModelIdAsync(modelName));

    /// <summary>The stored activity events of a model by its id (also after it was deleted), oldest first.</summary>
    public static Task<List<ActivityEvent>> EventsOfModelIdAsync(this TestRegistry registry, int modelId) =>
        registry.QueryAsync(db => db.Activity.Where(e => e.ModelId == modelId).OrderBy(e => e.Id).ToListAsync());

    public static Task<int> ModelIdAsync(this TestRegistry registry, string modelName)
    {
        var normalized = ModelName.Normalize(modelName);
        return registry.QueryAsync(db => db.Models.Where(m => m.NormalizedName == normalized).Select(m => m.Id).SingleAsync());
    }

    public static Task<TransitionRequest> RequestAsync(this TestRegistry registry, int id) =>
        registry.QueryAsync(db => db.TransitionRequests.SingleAsync(r => r.Id == id));

    /// <summary>Registers one more READY version and returns its number.</summary>
    public static async Task<int> RegisterAsync(this TestRegistry registry, Actor actor, string modelName, bool pending = false) =>
        (await registry.Versions.RegisterAsync(actor, new NewVersion(modelName, $"s3://bucket/{modelName}/extra", Pending: pending))).Version;
}

public static class UserRoleExtensions
{
    /// <summary>Replaces a user's roles (none: takes every role away), as an admin would on the users page.</summary>
    public static async Task SetRolesAsync(this TestRegistry registry, RegistryPortal.Security.Actor actor, params string[] roles)
    {
        await using var scope = registry.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<RegistryPortal.Data.ApplicationUser>>();
        var user = await users.FindByIdAsync(actor.UserId) ?? throw new InvalidOperationException("no such user");
        await users.RemoveFromRolesAsync(user, await users.GetRolesAsync(user));
        if (roles.Length > 0) await users.AddToRolesAsync(user, roles);
    }
}
