using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Data;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;
using RegistryPortal.Tests.Webhooks;
using RegistryPortal.Webhooks;

namespace RegistryPortal.Tests.Registry;

/// <summary>
/// Who waits for whom while a write of one model is open: on PostgreSQL, writes of other models go ahead and
/// writes of the same model or of the whole registry wait; on SQLite (one writer) everyone waits.
/// </summary>
public class WriteLockTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task While_a_write_of_one_model_is_open_other_models_move_on_postgres_and_its_own_writers_wait()
    {
        await using var registry = await TestRegistry.CreateWithOwnLocksAsync();
        var (held, owner) = await registry.ModelWithVersionsAsync(1);
        var (other, _) = await registry.ModelWithVersionsAsync(1, owner: owner);
        var (renamed, _) = await registry.ModelWithVersionsAsync(0, owner: owner);
        await using var holding = await HoldAsync(registry, owner, held);

        var otherModel = registry.Stages.TransitionAsync(owner, other, 1, "Staging");
        var sameModel = registry.Stages.TransitionAsync(owner, held, 1, "Staging");
        if (TestRegistry.Provider == DatabaseProvider.Postgres)
            await otherModel.WaitAsync(TimeSpan.FromSeconds(30)); // finishes while the holder still holds its model
        else
            await Task.Delay(Settle);
        Assert.Equal(TestRegistry.Provider == DatabaseProvider.Postgres, otherModel.IsCompletedSuccessfully);

        // Started only now: a registry-wide write waiting for the holder also queues every later write of any
        // model behind it (PostgreSQL grants locks in order), so started first it would hold up otherModel too.
        var wholeRegistry = registry.Models.RenameAsync(owner, renamed, renamed + "-new");
        await Task.Delay(Settle);
        Assert.False(sameModel.IsCompleted);
        Assert.False(wholeRegistry.IsCompleted);

        await holding.ReleaseAsync();
        await Task.WhenAll(otherModel, sameModel, wholeRegistry);
        Assert.Equal(Stage.Staging, (await registry.Versions.GetAsync(owner, held, 1)).Stage);
        Assert.Equal(Stage.Staging, (await registry.Versions.GetAsync(owner, other, 1)).Stage);
        Assert.Equal("held", (await registry.Models.GetAsync(owner, held)).Description);
    }

    [Fact]
    public async Task A_request_approved_while_its_model_is_held_waits_and_then_sees_the_holders_change()
    {
        await using var registry = await TestRegistry.CreateWithOwnLocksAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(2);
        await registry.Models.SetOneVersionPerStageAsync(owner, name, true);
        var request = await registry.Requests.CreateAsync(await registry.UserAsync(Roles.Reader), name, 2, "Staging");
        var approver = await registry.UserAsync(Roles.StagingManager);
        await using var holding = await HoldAsync(registry, owner, name, op => MoveToStagingAsync(op, name, 1));

        var approval = registry.Requests.ApproveAsync(approver, request.Id);
        await Task.Delay(Settle);
        Assert.False(approval.IsCompleted);
        await holding.ReleaseAsync();
        await approval;

        // The approval read version 1 in Staging (the holder's committed move) and archived it: one version per stage holds.
        Assert.Equal(Stage.Archived, (await registry.Versions.GetAsync(owner, name, 1)).Stage);
        Assert.Equal(Stage.Staging, (await registry.Versions.GetAsync(owner, name, 2)).Stage);
    }

    [Fact]
    public async Task A_write_of_one_model_that_changes_another_model_is_refused_and_stores_nothing()
    {
        await using var registry = await TestRegistry.CreateWithOwnLocksAsync();
        var (locked, owner) = await registry.ModelWithVersionsAsync(0);
        var (unlocked, _) = await registry.ModelWithVersionsAsync(0, owner: owner);
        var store = registry.Services.GetRequiredService<RegistryStore>();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.WriteModelAsync(owner, async op =>
        {
            var model = await op.FindModelAsync(locked);
            model.Description = "changed";
            var another = await op.Db.ModelAsync(unlocked, op.Ct);
            another.Description = "changed without its lock";
        }));

        Assert.Contains("did not lock", error.Message);
        Assert.Equal("", (await registry.Models.GetAsync(owner, locked)).Description);
        Assert.Equal("", (await registry.Models.GetAsync(owner, unlocked)).Description);
    }

    [Fact]
    public async Task A_write_of_one_model_waiting_for_a_registry_write_checks_the_roles_that_write_left()
    {
        await using var registry = await TestRegistry.CreateWithOwnLocksAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(0);
        var editor = await registry.UserAsync(Roles.Editor);
        var (demoted, release) = (new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), new TaskCompletionSource());
        var demotion = registry.Services.GetRequiredService<RegistryStore>().WriteAsync(await registry.AdminAsync(), async op =>
        {
            // The editor becomes a reader in a registry-wide write that stays open until released.
            op.Db.UserRoles.RemoveRange(await op.Db.UserRoles.Where(ur => ur.UserId == editor.UserId).ToListAsync(op.Ct));
            var reader = await op.Db.Roles.SingleAsync(r => r.Name == Roles.Reader, op.Ct);
            op.Db.UserRoles.Add(new() { UserId = editor.UserId, RoleId = reader.Id });
            demoted.SetResult();
            await release.Task;
        });
        await demoted.Task;

        var registration = registry.Versions.RegisterAsync(editor, new NewVersion(name, "s3://bucket/model.pkl"));
        await Task.Delay(Settle);
        Assert.False(registration.IsCompleted);
        release.SetResult();
        await demotion;

        // It waited for the demotion and read the roles it left: a reader may not register versions.
        var error = await Assert.ThrowsAsync<RegistryError>(() => registration);
        Assert.Equal(ErrorKind.PermissionDenied, error.Kind);
        Assert.Empty((await registry.Versions.ListAsync(editor, name)).Items);
    }

    [Fact]
    public async Task A_write_of_one_model_waiting_for_a_registry_write_follows_the_four_eyes_default_that_write_left()
    {
        await using var registry = await TestRegistry.CreateWithOwnLocksAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(1);
        var admin = await registry.AdminAsync();
        await using var held = await HoldRegistryAsync(registry, admin, async op =>
        {
            var settings = await op.Db.Settings.FirstOrDefaultAsync(s => s.Id == RegistrySettings.SingletonId, op.Ct);
            if (settings is null) op.Db.Settings.Add(settings = new RegistrySettings());
            settings.FourEyesByDefault = true;
        });

        // An admin moves any version directly, unless four-eyes protection covers the move.
        var move = registry.Stages.TransitionAsync(admin, name, 1, "Production");
        await Task.Delay(Settle);
        Assert.False(move.IsCompleted);
        await held.ReleaseAsync();

        var error = await Assert.ThrowsAsync<RegistryError>(() => move);
        Assert.Contains("Four-eyes", error.Message);
        Assert.Equal(Stage.None, (await registry.Versions.GetAsync(admin, name, 1)).Stage);
    }

    [Fact]
    public async Task A_write_of_one_model_waiting_for_a_registry_write_queues_deliveries_for_the_webhook_that_write_created()
    {
        await using var registry = await TestRegistry.CreateWithOwnLocksAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        var admin = await registry.AdminAsync();
        await using var held = await HoldRegistryAsync(registry, admin, op =>
        {
            op.Db.Webhooks().Add(new Webhook
            {
                Url = "http://127.0.0.1:9/hook", Events = [WebhookEvents.Transitioned], Status = WebhookStatus.Active,
                CreatedById = admin.UserId, CreatedAt = op.Now, UpdatedAt = op.Now,
            });
            return Task.CompletedTask;
        });

        var move = registry.Stages.TransitionAsync(owner, name, 1, "Staging");
        await Task.Delay(Settle);
        Assert.False(move.IsCompleted);
        await held.ReleaseAsync();
        await move;

        var hook = await registry.QueryAsync(db => db.Webhooks().SingleAsync());
        var delivery = Assert.Single(await registry.OutboxAsync(hook.Id));
        Assert.Equal(WebhookEvents.Transitioned, delivery.Event);
    }

    [Fact]
    public async Task With_one_write_slot_a_write_of_another_model_queues_in_its_instance_until_the_open_write_ends()
    {
        await using var registry = await TestRegistry.CreateWithOwnLocksAsync(extraSettings: OneWriteSlot);
        var (held, owner) = await registry.ModelWithVersionsAsync(1);
        var (other, _) = await registry.ModelWithVersionsAsync(2, owner: owner);
        await using var holding = await HoldAsync(registry, owner, held);

        var otherModel = registry.Stages.TransitionAsync(owner, other, 1, "Staging");
        if (TestRegistry.Provider == DatabaseProvider.Postgres)
        {
            // The slot is this instance's: another instance on the database writes that model meanwhile.
            await using var second = registry.OtherInstance();
            await second.GetRequiredService<StageService>().TransitionAsync(owner, other, 2, "Staging").WaitAsync(TimeSpan.FromSeconds(30));
        }
        await Task.Delay(Settle);
        Assert.False(otherModel.IsCompleted);

        await holding.ReleaseAsync();
        await otherModel.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Stage.Staging, (await registry.Versions.GetAsync(owner, other, 1)).Stage);
    }

    [Fact]
    public async Task A_refused_write_and_a_write_cancelled_while_queued_give_the_slot_back_and_store_nothing()
    {
        await using var registry = await TestRegistry.CreateWithOwnLocksAsync(extraSettings: OneWriteSlot);
        var (name, owner) = await registry.ModelWithVersionsAsync(1);

        var refused = await Assert.ThrowsAsync<RegistryError>(() => registry.Stages.TransitionAsync(owner, name, 7, "Staging"));
        Assert.Equal(ErrorKind.NotFound, refused.Kind);

        var cancelled = new CancellationTokenSource();
        Task queued;
        await using (var holding = await HoldAsync(registry, owner, name))
        {
            queued = registry.Stages.TransitionAsync(owner, name, 1, "Production", ct: cancelled.Token);
            await Task.Delay(Settle);
            Assert.False(queued.IsCompleted);
            await cancelled.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued.WaitAsync(TimeSpan.FromSeconds(30)));
            await holding.ReleaseAsync();
        }

        // Had either kept the one slot, this would wait for ever.
        await registry.Stages.TransitionAsync(owner, name, 1, "Staging").WaitAsync(TimeSpan.FromSeconds(30));
        var version = await registry.Versions.GetAsync(owner, name, 1);
        Assert.Equal(Stage.Staging, version.Stage);
        Assert.DoesNotContain(await registry.QueryAsync(db => db.Activity.Select(e => e.ToStage).ToListAsync()), stage => stage == Stage.Production);
    }

    private static readonly Dictionary<string, string?> OneWriteSlot = new() { ["Database:ConcurrentWrites"] = "1" };

    /// <summary>An open registry-wide write that does <paramref name="change"/>, until released.</summary>
    private static async Task<HeldWrite> HoldRegistryAsync(TestRegistry registry, Actor actor, Func<OperationContext, Task> change)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var write = registry.Services.GetRequiredService<RegistryStore>().WriteAsync(actor, async op =>
        {
            await change(op);
            done.SetResult();
            await release.Task;
        });
        await Task.WhenAny(done.Task, write);
        if (write.IsFaulted) await write; // shows why it failed
        return new HeldWrite(release, write);
    }

    /// <summary>An open write of one model that sets its description and, optionally, does more, until released.</summary>
    private static async Task<HeldWrite> HoldAsync(TestRegistry registry, Actor owner, string name, Func<OperationContext, Task>? more = null)
    {
        var locked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var write = registry.Services.GetRequiredService<RegistryStore>().WriteModelAsync(owner, async op =>
        {
            var model = await op.FindModelAsync(name);
            model.Description = "held";
            if (more is not null) await more(op);
            locked.SetResult();
            await release.Task;
        });
        await Task.WhenAny(locked.Task, write);
        if (write.IsFaulted) await write; // shows why it failed
        Assert.True(locked.Task.IsCompleted, "the holding write should have taken its lock");
        return new HeldWrite(release, write);
    }

    private static async Task MoveToStagingAsync(OperationContext op, string name, int number)
    {
        var model = await op.Db.ModelAsync(name, op.Ct);
        var version = await op.Db.Versions.FirstAsync(v => v.ModelId == model.Id && v.Number == number, op.Ct);
        version.Stage = Stage.Staging;
    }

    private sealed class HeldWrite(TaskCompletionSource release, Task write) : IAsyncDisposable
    {
        public async Task ReleaseAsync()
        {
            release.TrySetResult();
            await write;
        }

        public async ValueTask DisposeAsync()
        {
            release.TrySetResult();
            try { await write; } catch (Exception) { /* the test has failed already and says why */ }
        }
    }
}
