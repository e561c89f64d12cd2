using Microsoft.EntityFrameworkCore;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;
using static RegistryPortal.Tests.Security.PermissionMatrix;

namespace RegistryPortal.Tests.Security;

/// <summary>
/// The permission table, written out literally from the rules (not from the code): every ability, split into the service calls that
/// perform it, for every level. Nothing here reads the code's own table (Ability, Roles.LevelOf,
/// PermissionLevels): levels come from role names and grant levels spelled out below. Each cell runs
/// against its own real SQLite database through the real services, and checks both the answer and
/// the database (a refused call changed nothing; an allowed one did what it says).
/// </summary>
internal static class PermissionMatrix
{
    public static readonly string[] Levels =
        ["none", "Read", "Edit", "Manage Staging Versions", "Manage Production Versions", "Manage", "Admin"];

    // One row per thing a user does, grouped by the lowest level that may: Read; Edit; Manage Staging Versions; Manage
    // Production Versions; Manage; and the Admin role's own powers (it manages users, roles and every model's grants).
    // "four-eyes:" rows run on the model with four-eyes protection on: Production moves only by a request approved by
    // someone other than its requester, whatever the level; turning it off is an admin's.
    private const string Table = """
        ability                                   | none | Read | Edit | Manage Staging Versions | Manage Production Versions | Manage | Admin
        see the model                             | no   | yes  | yes  | yes                     | yes                        | yes    | yes
        find the model in the list, counted       | no   | yes  | yes  | yes                     | yes                        | yes    | yes
        see its versions                          | no   | yes  | yes  | yes                     | yes                        | yes    | yes
        see its transition requests               | no   | yes  | yes  | yes                     | yes                        | yes    | yes
        see its activity                          | no   | yes  | yes  | yes                     | yes                        | yes    | yes
        request a transition                      | no   | yes  | yes  | yes                     | yes                        | yes    | yes
        comment                                   | no   | yes  | yes  | yes                     | yes                        | yes    | yes
        create a model                            | no   | no   | yes  | yes                     | yes                        | yes    | yes
        register a version                        | no   | no   | yes  | yes                     | yes                        | yes    | yes
        edit the model's description              | no   | no   | yes  | yes                     | yes                        | yes    | yes
        edit a version's description              | no   | no   | yes  | yes                     | yes                        | yes    | yes
        set a tag on the model                    | no   | no   | yes  | yes                     | yes                        | yes    | yes
        set a tag on a version                    | no   | no   | yes  | yes                     | yes                        | yes    | yes
        set an alias                              | no   | no   | yes  | yes                     | yes                        | yes    | yes
        move a version from None to Staging       | no   | no   | no   | yes                     | yes                        | yes    | yes
        move a version from Staging to Archived   | no   | no   | no   | yes                     | yes                        | yes    | yes
        approve a request to Staging              | no   | no   | no   | yes                     | yes                        | yes    | yes
        reject a request to Staging               | no   | no   | no   | yes                     | yes                        | yes    | yes
        move a version from Staging to Production | no   | no   | no   | no                      | yes                        | yes    | yes
        move a version from Production to Archived| no   | no   | no   | no                      | yes                        | yes    | yes
        approve a request to Production           | no   | no   | no   | no                      | yes                        | yes    | yes
        reject a request to Production            | no   | no   | no   | no                      | yes                        | yes    | yes
        four-eyes: approve another's request to Production | no | no | no | no              | yes                        | yes    | yes
        four-eyes: approve your own request to Production | no | no | no | no               | no                         | no     | no
        four-eyes: move a version from Staging to Production | no | no | no | no            | no                         | no     | no
        four-eyes: move a version from Production to Archived | no | no | no | no           | no                         | no     | no
        four-eyes: move a version from None to Staging | no | no  | no   | yes                     | yes                        | yes    | yes
        turn four-eyes on for the model           | no   | no   | no   | no                      | no                         | yes    | yes
        turn four-eyes off for the model          | no   | no   | no   | no                      | no                         | no     | yes
        rename the model                          | no   | no   | no   | no                      | no                         | yes    | yes
        delete the model                          | no   | no   | no   | no                      | no                         | yes    | yes
        delete a version                          | no   | no   | no   | no                      | no                         | yes    | yes
        cancel someone else's request             | no   | no   | no   | no                      | no                         | yes    | yes
        change the model's permissions            | no   | no   | no   | no                      | no                         | yes    | yes
        see who has access to the model           | no   | no   | no   | no                      | no                         | yes    | yes
        create a user                             | no   | no   | no   | no                      | no                         | no     | yes
        change a user's roles                     | no   | no   | no   | no                      | no                         | no     | yes
        lock a user                               | no   | no   | no   | no                      | no                         | no     | yes
        reset a user's password                   | no   | no   | no   | no                      | no                         | no     | yes
        delete a user                             | no   | no   | no   | no                      | no                         | no     | yes
        read the audit log                        | no   | no   | no   | no                      | no                         | no     | yes
        set the registry's four-eyes default      | no   | no   | no   | no                      | no                         | no     | yes
        """;

    /// <summary>The roles that give each level on every model, by name.</summary>
    public static readonly Dictionary<string, string?> RoleOfLevel = new()
    {
        ["none"] = null, ["Read"] = "Reader", ["Edit"] = "Editor", ["Manage Staging Versions"] = "StagingManager",
        ["Manage Production Versions"] = "ProductionManager", ["Manage"] = "Manager", ["Admin"] = "Admin",
    };

    /// <summary>The per-model grant of each level.</summary>
    public static readonly Dictionary<string, PermissionLevel> GrantOfLevel = new()
    {
        ["Read"] = PermissionLevel.Read, ["Edit"] = PermissionLevel.Edit,
        ["Manage Staging Versions"] = PermissionLevel.ManageStagingVersions,
        ["Manage Production Versions"] = PermissionLevel.ManageProductionVersions, ["Manage"] = PermissionLevel.Manage,
    };

    public static readonly Dictionary<string, Dictionary<string, bool>> Expected = ParseTable();

    private static Dictionary<string, Dictionary<string, bool>> ParseTable()
    {
        var lines = Table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var header = lines[0].Split('|', StringSplitOptions.TrimEntries);
        Assert.Equal(Levels, header[1..]);
        return lines[1..].Select(line => line.Split('|', StringSplitOptions.TrimEntries)).ToDictionary(
            cells => cells[0],
            cells => Levels.Select((level, i) => (level, cells[i + 1] switch
            {
                "yes" => true,
                "no" => false,
                var other => throw new InvalidOperationException($"'{other}' in row '{cells[0]}' is neither yes nor no."),
            })).ToDictionary(x => x.level, x => x.Item2));
    }

    // What each row does, and how to see in the database that it happened.

    public enum Outcome { Allowed, Denied, Hidden }

    /// <param name="Act">Performs the ability; returns false when a list simply does not show the model.</param>
    /// <param name="Happened">Whether the change is in the database (null for reads).</param>
    /// <param name="OnModel">False for abilities with no model: a refusal is then "permission denied" even at level none.</param>
    /// <param name="Quiet">The model must have no version in Staging or Production (rename and delete need that).</param>
    public sealed record Ability(
        Func<World, Actor, Task<bool>> Act, Func<World, Task<bool>>? Happened = null, bool OnModel = true, bool Quiet = false);

    private static Func<World, Actor, Task<bool>> Call(Func<World, Actor, Task> act) => async (w, a) => { await act(w, a); return true; };

    public static readonly Dictionary<string, Ability> Calls = new()
    {
        ["see the model"] = new(Call((w, a) => w.R.Models.GetAsync(a, w.Model))),
        ["find the model in the list, counted"] = new(async (w, a) =>
        {
            var page = await w.R.Models.ListAsync(a, new ModelQuery());
            Assert.Equal(page.Items.Count, page.Total); // the count matches what is shown
            return page.Items.Any(m => m.Name == w.Model);
        }),
        ["see its versions"] = new(Call(async (w, a) => { await w.R.Versions.ListAsync(a, w.Model); await w.R.Versions.GetAsync(a, w.Model, 1); })),
        ["see its transition requests"] = new(Call((w, a) => w.R.Requests.ListAsync(a, w.Model))),
        ["see its activity"] = new(Call((w, a) => w.R.Activity.ListAsync(a, w.Model))),
        ["request a transition"] = new(Call((w, a) => w.R.Requests.CreateAsync(a, w.Model, 4, "Staging")),
            w => w.Q(db => db.TransitionRequests.AnyAsync(r => r.ModelId == w.ModelId && r.Version!.Number == 4 && r.Status == RequestStatus.Pending))),
        ["comment"] = new(Call((w, a) => w.R.Activity.CommentAsync(a, w.Model, 1, "matrix comment")),
            w => w.Q(db => db.Activity.AnyAsync(e => e.ModelId == w.ModelId && e.Kind == ActivityKind.Commented && e.Comment == "matrix comment"))),

        ["create a model"] = new(Call((w, a) => w.R.Models.CreateAsync(a, "matrix-new-model")),
            w => w.Q(db => db.Models.AnyAsync(m => m.Name == "matrix-new-model")), OnModel: false),
        ["register a version"] = new(Call((w, a) => w.R.Versions.RegisterAsync(a, new NewVersion(w.Model, "s3://matrix/5"))),
            w => w.Q(db => db.Versions.AnyAsync(v => v.ModelId == w.ModelId && v.Number == 5))),
        ["edit the model's description"] = new(Call((w, a) => w.R.Models.UpdateDescriptionAsync(a, w.Model, "matrix text")),
            w => w.Q(db => db.Models.AnyAsync(m => m.Id == w.ModelId && m.Description == "matrix text"))),
        ["edit a version's description"] = new(Call((w, a) => w.R.Versions.UpdateDescriptionAsync(a, w.Model, 1, "matrix text")),
            w => w.Q(db => db.Versions.AnyAsync(v => v.ModelId == w.ModelId && v.Number == 1 && v.Description == "matrix text"))),
        ["set a tag on the model"] = new(Call((w, a) => w.R.Models.SetTagAsync(a, w.Model, "matrix", "yes")),
            w => w.Q(db => db.ModelTags.AnyAsync(t => t.ModelId == w.ModelId && t.Key == "matrix"))),
        ["set a tag on a version"] = new(Call((w, a) => w.R.Versions.SetTagAsync(a, w.Model, 1, "matrix", "yes")),
            w => w.Q(db => db.VersionTags.AnyAsync(t => t.Key == "matrix"))),
        ["set an alias"] = new(Call((w, a) => w.R.Aliases.SetAsync(a, w.Model, "matrix", 1)),
            w => w.Q(db => db.Aliases.AnyAsync(x => x.ModelId == w.ModelId && x.Alias == "matrix"))),

        ["move a version from None to Staging"] = new(Call((w, a) => w.R.Stages.TransitionAsync(a, w.Model, 1, "Staging")),
            w => w.StageIsAsync(1, Stage.Staging)),
        ["move a version from Staging to Archived"] = new(Call((w, a) => w.R.Stages.TransitionAsync(a, w.Model, 2, "Archived")),
            w => w.StageIsAsync(2, Stage.Archived)),
        ["approve a request to Staging"] = new(Call((w, a) => w.R.Requests.ApproveAsync(a, w.RequestToStaging)),
            async w => await w.StageIsAsync(1, Stage.Staging) & await w.RequestIsAsync(w.RequestToStaging, RequestStatus.Approved)),
        ["reject a request to Staging"] = new(Call((w, a) => w.R.Requests.RejectAsync(a, w.RequestToStaging, "no")),
            w => w.RequestIsAsync(w.RequestToStaging, RequestStatus.Rejected)),
        ["move a version from Staging to Production"] = new(Call((w, a) => w.R.Stages.TransitionAsync(a, w.Model, 2, "Production")),
            w => w.StageIsAsync(2, Stage.Production)),
        ["move a version from Production to Archived"] = new(Call((w, a) => w.R.Stages.TransitionAsync(a, w.Model, 3, "Archived")),
            w => w.StageIsAsync(3, Stage.Archived)),
        ["approve a request to Production"] = new(Call((w, a) => w.R.Requests.ApproveAsync(a, w.RequestToProduction)),
            async w => await w.StageIsAsync(2, Stage.Production) & await w.RequestIsAsync(w.RequestToProduction, RequestStatus.Approved)),
        ["reject a request to Production"] = new(Call((w, a) => w.R.Requests.RejectAsync(a, w.RequestToProduction, "no")),
            w => w.RequestIsAsync(w.RequestToProduction, RequestStatus.Rejected)),

        ["four-eyes: approve another's request to Production"] = new(Call(async (w, a) =>
            {
                await w.ProtectAsync();
                await w.R.Requests.ApproveAsync(a, w.RequestToProduction);
            }),
            async w => await w.StageIsAsync(2, Stage.Production) & await w.RequestIsAsync(w.RequestToProduction, RequestStatus.Approved)),
        ["four-eyes: approve your own request to Production"] = new(Call(async (w, a) =>
            {
                await w.ProtectAsync();
                await w.R.Requests.ApproveAsync(a, (await w.R.Requests.CreateAsync(a, w.Model, 1, "Production")).Id);
            }),
            w => w.StageIsAsync(1, Stage.Production)),
        ["four-eyes: move a version from Staging to Production"] = new(Call(async (w, a) =>
            {
                await w.ProtectAsync();
                await w.R.Stages.TransitionAsync(a, w.Model, 2, "Production");
            }),
            w => w.StageIsAsync(2, Stage.Production)),
        ["four-eyes: move a version from Production to Archived"] = new(Call(async (w, a) =>
            {
                await w.ProtectAsync();
                await w.R.Stages.TransitionAsync(a, w.Model, 3, "Archived");
            }),
            w => w.StageIsAsync(3, Stage.Archived)),
        ["four-eyes: move a version from None to Staging"] = new(Call(async (w, a) =>
            {
                await w.ProtectAsync();
                await w.R.Stages.TransitionAsync(a, w.Model, 1, "Staging");
            }),
            w => w.StageIsAsync(1, Stage.Staging)),
        ["turn four-eyes on for the model"] = new(Call((w, a) => w.R.Models.SetFourEyesAsync(a, w.Model, true)),
            w => w.Q(db => db.Models.AnyAsync(m => m.Id == w.ModelId && m.FourEyes == true))),
        ["turn four-eyes off for the model"] = new(Call(async (w, a) =>
            {
                await w.ProtectAsync();
                await w.R.Models.SetFourEyesAsync(a, w.Model, false);
            }),
            w => w.Q(db => db.Models.AnyAsync(m => m.Id == w.ModelId && m.FourEyes == false))),

        ["rename the model"] = new(Call((w, a) => w.R.Models.RenameAsync(a, w.Model, w.Model + "-renamed")),
            w => w.Q(db => db.Models.AnyAsync(m => m.Id == w.ModelId && m.Name == w.Model + "-renamed")), Quiet: true),
        ["delete the model"] = new(Call((w, a) => w.R.Models.DeleteAsync(a, w.Model)),
            async w => !await w.Q(db => db.Models.AnyAsync(m => m.Id == w.ModelId)), Quiet: true),
        ["delete a version"] = new(Call((w, a) => w.R.Versions.DeleteAsync(a, w.Model, 4)),
            async w => !await w.Q(db => db.Versions.AnyAsync(v => v.ModelId == w.ModelId && v.Number == 4))),
        ["cancel someone else's request"] = new(Call((w, a) => w.R.Requests.CancelAsync(a, w.RequestToStaging)),
            w => w.RequestIsAsync(w.RequestToStaging, RequestStatus.Cancelled)),
        ["change the model's permissions"] = new(Call((w, a) => w.R.Permissions.GrantAsync(a, w.Model, w.Requester.UserId, PermissionLevel.Edit)),
            w => w.Q(db => db.Grants.AnyAsync(g => g.ModelId == w.ModelId && g.UserId == w.Requester.UserId))),
        ["see who has access to the model"] = new(Call((w, a) => w.R.Permissions.AccessListAsync(a, w.Model))),

        ["create a user"] = new(Call((w, a) => w.R.UserAdmin.CreateAsync(a, new NewUser("matrix@test.local", null, ["Reader"]))),
            w => w.Q(db => db.Users.AnyAsync(u => u.Email == "matrix@test.local")), OnModel: false),
        ["change a user's roles"] = new(Call((w, a) => w.R.UserAdmin.SetRolesAsync(a, w.Requester.UserId, ["Editor"])),
            async w => (await w.R.RolesOfAsync(w.Requester.UserId)).SequenceEqual(["Editor"]), OnModel: false),
        ["lock a user"] = new(Call((w, a) => w.R.UserAdmin.LockAsync(a, w.Requester.UserId)),
            async w => (await w.R.AccountAsync(w.Requester.UserId))!.LockoutEnd is not null, OnModel: false),
        ["reset a user's password"] = new(Call((w, a) => w.R.UserAdmin.ResetPasswordAsync(a, w.Requester.UserId, "Matrix-Passw0rd!")),
            w => w.R.PasswordWorksAsync(w.Requester.UserId, "Matrix-Passw0rd!"), OnModel: false),
        ["delete a user"] = new(Call((w, a) => w.R.UserAdmin.DeleteAsync(a, w.Requester.UserId)),
            async w => await w.R.AccountAsync(w.Requester.UserId) is null, OnModel: false),
        ["read the audit log"] = new(Call((w, a) => w.R.Audit.ListAsync(a, new AuditQuery())), OnModel: false),
        ["set the registry's four-eyes default"] = new(Call((w, a) => w.R.Settings.SetFourEyesByDefaultAsync(a, true)),
            w => w.Q(db => db.Settings.AnyAsync(x => x.FourEyesByDefault)), OnModel: false),
    };

    /// <summary>
    /// One model with versions 1 (None), 2 (Staging), 3 (Production), 4 (None), and a Reader's pending requests
    /// to move 1 to Staging and 2 to Production; all arranged by an admin. "Quiet": every version in None, no requests.
    /// </summary>
    public sealed class World
    {
        public required TestRegistry R { get; init; }
        public required Actor Admin { get; init; }
        public required Actor Requester { get; init; }
        public required string Model { get; init; }
        public required int ModelId { get; init; }
        public int RequestToStaging { get; private set; }
        public int RequestToProduction { get; private set; }

        public static async Task<World> CreateAsync(TestRegistry registry, Actor admin, Actor requester, bool quiet, Actor? creator = null)
        {
            var name = $"m-{Guid.NewGuid():N}"[..12];
            await registry.Models.CreateAsync(creator ?? admin, name);
            for (var i = 1; i <= 4; i++) await registry.Versions.RegisterAsync(admin, new NewVersion(name, $"s3://matrix/{name}/{i}"));
            var world = new World { R = registry, Admin = admin, Requester = requester, Model = name, ModelId = await registry.ModelIdAsync(name) };
            if (!quiet)
            {
                await registry.Stages.TransitionAsync(admin, name, 2, "Staging");
                await registry.Stages.TransitionAsync(admin, name, 3, "Production");
                world.RequestToStaging = (await registry.Requests.CreateAsync(requester, name, 1, "Staging")).Id;
                world.RequestToProduction = (await registry.Requests.CreateAsync(requester, name, 2, "Production")).Id;
            }
            return world;
        }

        /// <summary>Turns four-eyes protection on for the model, as an admin.</summary>
        public Task ProtectAsync() => R.Models.SetFourEyesAsync(Admin, Model, true);

        public Task<T> Q<T>(Func<RegistryPortal.Data.RegistryDbContext, Task<T>> query) => R.QueryAsync(query);

        public Task<bool> StageIsAsync(int number, Stage stage) =>
            Q(db => db.Versions.AnyAsync(v => v.ModelId == ModelId && v.Number == number && v.Stage == stage));

        public Task<bool> RequestIsAsync(int id, RequestStatus status) => Q(db => db.TransitionRequests.AnyAsync(r => r.Id == id && r.Status == status));
    }

    private static async Task<Outcome> TryAsync(Ability ability, World world, Actor actor)
    {
        try
        {
            return await ability.Act(world, actor) ? Outcome.Allowed : Outcome.Hidden;
        }
        catch (RegistryError e) when (e.Kind == ErrorKind.PermissionDenied) { return Outcome.Denied; }
        catch (RegistryError e) when (e.Kind == ErrorKind.NotFound) { return Outcome.Hidden; }
    }

    /// <summary>Runs one ability and checks the answer and the database against <paramref name="allowed"/>.</summary>
    public static async Task CheckAsync(Ability ability, World world, Actor actor, bool allowed, bool seesModel)
    {
        var outcome = await TryAsync(ability, world, actor);

        // Refused: someone who may not even see the model is told it does not exist; anyone else is told
        // which permission it takes. Abilities without a model are refused as "permission denied".
        var expected = allowed ? Outcome.Allowed : ability.OnModel && !seesModel ? Outcome.Hidden : Outcome.Denied;
        Assert.Equal(expected, outcome);
        if (ability.Happened is { } happened) Assert.Equal(allowed, await happened(world));
    }
}

/// <summary>The table's columns, each level given by a role (none: no role; Admin: the Admin role alone).</summary>
public class RolePermissionMatrixTests
{
    public static TheoryData<string, string> RoleCells()
    {
        var cells = new TheoryData<string, string>();
        foreach (var ability in Expected.Keys)
            foreach (var level in Levels) cells.Add(ability, level);
        return cells;
    }

    [Theory]
    [MemberData(nameof(RoleCells))]
    public async Task A_role_level_allows_exactly_what_the_table_says(string ability, string level)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.FirstAdminAsync();
        var requester = await registry.UserAsync("Reader");
        var world = await World.CreateAsync(registry, admin, requester, Calls[ability].Quiet);
        var user = RoleOfLevel[level] is { } role ? await registry.UserAsync(role) : await registry.UserAsync();

        await CheckAsync(Calls[ability], world, user, Expected[ability][level], seesModel: level != "none");
    }

    [Fact]
    public void Every_row_of_the_table_has_its_service_calls_and_every_call_its_row()
    {
        Assert.Equal(Expected.Keys.Order(), Calls.Keys.Order());
        Assert.Equal(42, Expected.Count);
    }
}

/// <summary>The table's columns Read … Manage, each level given by a grant on one model to a user without roles.</summary>
public class GrantPermissionMatrixTests
{
    public static TheoryData<string, string> GrantCells()
    {
        var cells = new TheoryData<string, string>();
        foreach (var ability in Expected.Keys.Where(a => Calls[a].OnModel))
            foreach (var level in GrantOfLevel.Keys) cells.Add(ability, level);
        return cells;
    }

    /// <summary>
    /// A user with no role, granted a level on one model: on that model, exactly the table's column for the
    /// level; on a second model of the same registry, nothing (it does not even exist for them).
    /// </summary>
    [Theory]
    [MemberData(nameof(GrantCells))]
    public async Task A_grant_allows_exactly_what_the_table_says_on_its_model_and_nothing_on_another(string ability, string level)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.FirstAdminAsync();
        var requester = await registry.UserAsync("Reader");
        var granted = await World.CreateAsync(registry, admin, requester, Calls[ability].Quiet);
        var other = await World.CreateAsync(registry, admin, requester, Calls[ability].Quiet);
        var user = await registry.UserAsync();
        await registry.Permissions.GrantAsync(admin, granted.Model, user.UserId, GrantOfLevel[level]);

        await CheckAsync(Calls[ability], other, user, allowed: false, seesModel: false);
        await CheckAsync(Calls[ability], granted, user, Expected[ability][level], seesModel: true);
    }
}

/// <summary>The creator rule, ability by ability.</summary>
public class CreatorPermissionMatrixTests
{
    public static TheoryData<string> ModelAbilities() => new(Expected.Keys.Where(a => Calls[a].OnModel && a != "create a model"));

    /// <summary>The creator of a model holds Manage on it — also after losing every role; on others' models, nothing.</summary>
    [Theory]
    [MemberData(nameof(ModelAbilities))]
    public async Task The_creator_may_do_what_Manage_allows_on_their_model_only(string ability)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.FirstAdminAsync();
        var requester = await registry.UserAsync("Reader");
        var creator = await registry.UserAsync("Editor");
        var own = await World.CreateAsync(registry, admin, requester, Calls[ability].Quiet, creator);
        var others = await World.CreateAsync(registry, admin, requester, Calls[ability].Quiet);
        await registry.SetRolesAsync(creator); // no role left: only the creator rule remains

        await CheckAsync(Calls[ability], others, creator, allowed: false, seesModel: false);
        await CheckAsync(Calls[ability], own, creator, Expected[ability]["Manage"], seesModel: true);
    }
}
