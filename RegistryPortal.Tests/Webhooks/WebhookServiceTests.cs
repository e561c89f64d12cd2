using System.Text.Json;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;
using RegistryPortal.Webhooks;
using static RegistryPortal.Webhooks.WebhookEvents;

namespace RegistryPortal.Tests.Webhooks;

public class WebhookServiceTests
{
    private const string Receiver = "https://ci.example.com/hook";

    /// <summary>A model with version 1 in Staging and 2 in None, a reader's pending request (2 to Staging), and an admin's registry-wide webhook for every event, created last.</summary>
    private sealed record Scene(TestRegistry Registry, string Name, Actor Owner, Actor Reader, Actor Admin, int RequestId, int HookId);

    private static async Task<Scene> SceneAsync(TestRegistry registry)
    {
        var (name, owner) = await registry.ModelInStagesAsync(Stage.Staging, Stage.None);
        var reader = await registry.UserAsync(Roles.Reader);
        var request = await registry.Requests.CreateAsync(reader, name, 2, "Staging", comment: "please");
        var admin = await registry.AdminAsync();
        var hook = await registry.HookAsync(admin, null, Receiver);
        return new Scene(registry, name, owner, reader, admin, request.Id, hook.Id);
    }

    private static readonly Dictionary<string, (Func<Scene, Task> Change, string[] Events)> Changes = new()
    {
        ["create model"] = (s => s.Registry.Models.CreateAsync(s.Owner, "another-" + s.Name), [RegisteredModelCreated]),
        ["register version"] = (s => s.Registry.Versions.RegisterAsync(s.Owner, new NewVersion(s.Name, "s3://new")), [VersionCreated]),
        ["to Staging"] = (s => s.Registry.Stages.TransitionAsync(s.Admin, s.Name, 2, "Staging"), [Transitioned, TransitionedToStaging]),
        ["to Production"] = (s => s.Registry.Stages.TransitionAsync(s.Admin, s.Name, 1, "Production"), [Transitioned, TransitionedToProduction]),
        ["to Archived"] = (s => s.Registry.Stages.TransitionAsync(s.Admin, s.Name, 1, "Archived"), [Transitioned, TransitionedToArchived]),
        ["to None"] = (s => s.Registry.Stages.TransitionAsync(s.Admin, s.Name, 1, "None"), [Transitioned]),
        ["to Staging archiving the other"] = (s => s.Registry.Stages.TransitionAsync(s.Admin, s.Name, 2, "Staging", archiveExisting: true),
            [Transitioned, TransitionedToStaging, Transitioned, TransitionedToArchived]),
        ["request Production"] = (s => s.Registry.Requests.CreateAsync(s.Reader, s.Name, 1, "Production"), [RequestCreated, RequestToProductionCreated]),
        ["request Archived"] = (s => s.Registry.Requests.CreateAsync(s.Reader, s.Name, 1, "Archived"), [RequestCreated, RequestToArchivedCreated]),
        ["request None"] = (s => s.Registry.Requests.CreateAsync(s.Reader, s.Name, 1, "None"), [RequestCreated]),
        ["approve"] = (s => s.Registry.Requests.ApproveAsync(s.Admin, s.RequestId, "ok"), [Transitioned, TransitionedToStaging, RequestApproved]),
        ["reject"] = (s => s.Registry.Requests.RejectAsync(s.Admin, s.RequestId, "no"), [RequestRejected]),
        ["cancel"] = (s => s.Registry.Requests.CancelAsync(s.Reader, s.RequestId), [RequestCancelled]),
        ["comment"] = (s => s.Registry.Activity.CommentAsync(s.Reader, s.Name, 2, "nice"), [CommentCreated]),
        ["tag version"] = (s => s.Registry.Versions.SetTagAsync(s.Owner, s.Name, 1, "auc", "0.9"), [VersionTagSet]),
        ["set alias"] = (s => s.Registry.Aliases.SetAsync(s.Owner, s.Name, "champion", 1), [AliasSet]),
        ["describe version"] = (s => s.Registry.Versions.UpdateDescriptionAsync(s.Owner, s.Name, 1, "text"), []),
        ["tag model"] = (s => s.Registry.Models.SetTagAsync(s.Owner, s.Name, "k", "v"), []),
    };

    public static TheoryData<string> ChangeNames() => new(Changes.Keys);

    [Theory]
    [MemberData(nameof(ChangeNames))]
    public async Task Each_change_writes_its_events_to_the_outbox(string change)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var scene = await SceneAsync(registry);
        var (act, expected) = Changes[change];

        await act(scene);

        var outbox = await registry.OutboxAsync(scene.HookId);
        Assert.Equal(expected, outbox.Select(d => d.Event));
        Assert.All(outbox, d => Assert.Equal(DeliveryStatus.Pending, d.Status));
        Assert.Equal(outbox.Count, outbox.Select(d => d.DeliveryId).Distinct().Count());
    }

    [Fact]
    public async Task Alias_deletion_and_the_payloads_carry_Databricks_fields()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var scene = await SceneAsync(registry);
        await registry.Aliases.SetAsync(scene.Owner, scene.Name, "champion", 1);
        await registry.Aliases.DeleteAsync(scene.Owner, scene.Name, "champion");
        await registry.Versions.SetTagAsync(scene.Owner, scene.Name, 1, "a = b", "c = d");
        await registry.Stages.TransitionAsync(scene.Owner, scene.Name, 1, "Production", comment: "ship");

        var outbox = await registry.OutboxAsync(scene.HookId);
        Assert.Equal([AliasSet, AliasDeleted, VersionTagSet, Transitioned, TransitionedToProduction], outbox.Select(d => d.Event));
        var alias = JsonDocument.Parse(outbox[1].Payload).RootElement;
        Assert.Equal("champion", alias.GetProperty("alias").GetString());
        var tag = JsonDocument.Parse(outbox[2].Payload).RootElement.GetProperty("tags")[0];
        Assert.Equal(("a = b", "c = d"), (tag.GetProperty("key").GetString(), tag.GetProperty("value").GetString()));
        var moved = JsonDocument.Parse(outbox[3].Payload).RootElement;
        Assert.Equal(Transitioned, moved.GetProperty("event").GetString());
        Assert.Equal(scene.HookId.ToString(), moved.GetProperty("webhook_id").GetString());
        Assert.Equal(scene.Name, moved.GetProperty("model_name").GetString());
        Assert.Equal("1", moved.GetProperty("version").GetString());
        Assert.Equal("Staging", moved.GetProperty("from_stage").GetString());
        Assert.Equal("Production", moved.GetProperty("to_stage").GetString());
        Assert.Equal("ship", moved.GetProperty("comment").GetString());
        Assert.Contains("transitioned registered model", moved.GetProperty("text").GetString());
        var at = DateTimeOffset.FromUnixTimeMilliseconds(moved.GetProperty("event_timestamp").GetInt64());
        Assert.InRange(at, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task Only_active_webhooks_of_the_model_and_for_the_event_get_it()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.None);
        var (other, otherOwner) = await registry.ModelInStagesAsync(Stage.None);
        var production = await registry.HookAsync(owner, name, Receiver, TransitionedToProduction);
        var staging = await registry.HookAsync(owner, name, Receiver, TransitionedToStaging);
        var otherModel = await registry.HookAsync(otherOwner, other, Receiver, TransitionedToStaging);
        var testMode = await registry.Webhooks.CreateAsync(owner, new WebhookSpec(name, [TransitionedToStaging], Receiver, Status: "TEST_MODE"));
        var disabled = await registry.HookAsync(owner, name, Receiver, TransitionedToStaging);
        await registry.Webhooks.UpdateAsync(owner, disabled.Id, new WebhookChange(Status: "DISABLED"));

        await registry.Stages.TransitionAsync(owner, name, 1, "Staging");

        Assert.Empty(await registry.OutboxAsync(production.Id));
        Assert.Single(await registry.OutboxAsync(staging.Id));
        Assert.Empty(await registry.OutboxAsync(otherModel.Id));
        Assert.Empty(await registry.OutboxAsync(testMode.Id));
        Assert.Empty(await registry.OutboxAsync(disabled.Id));
    }

    [Fact]
    public async Task A_models_webhooks_need_Manage_on_it_and_registry_wide_ones_need_Admin()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.None);
        var editor = await registry.UserAsync(Roles.Editor);
        var manager = await registry.UserAsync(Roles.Manager);
        var admin = await registry.AdminAsync();

        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.HookAsync(editor, name, Receiver));
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.HookAsync(manager, null, Receiver));
        var mine = await registry.HookAsync(owner, name, Receiver);
        var managers = await registry.HookAsync(manager, name, Receiver);
        var wide = await registry.HookAsync(admin, null, Receiver);

        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Webhooks.ListAsync(editor, name));
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Webhooks.DeleteAsync(editor, mine.Id));
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Webhooks.UpdateAsync(owner, wide.Id, new WebhookChange(Description: "x")));
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Webhooks.DeliveriesAsync(editor, mine.Id));
        Assert.Equal([mine.Id, managers.Id], (await registry.Webhooks.ListAsync(owner, name)).Select(h => h.Id));
        Assert.Equal([mine.Id, managers.Id], (await registry.Webhooks.ListAsync(owner)).Select(h => h.Id));
        Assert.Empty(await registry.Webhooks.ListAsync(editor));
        Assert.Equal([mine.Id, managers.Id, wide.Id], (await registry.Webhooks.ListAsync(admin)).Select(h => h.Id));
        Assert.Equal([wide.Id], (await registry.Webhooks.ListAsync(admin, events: [RegisteredModelCreated])).Select(h => h.Id));

        await registry.Webhooks.DeleteAsync(owner, managers.Id);
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Webhooks.GetAsync(owner, managers.Id));
    }

    public static TheoryData<string, string> RefusedUrls() => new()
    {
        { "http://ci.example.com/hook", "AllowHttpHosts" },
        { "ftp://ci.example.com/hook", "https://" },
        { "https://169.254.169.254/latest/meta-data", "link-local" },
        { "https://[fd00:ec2::254]/latest", "link-local" },
        { "https://[fe80::1]/x", "link-local" },
        { "https://user:pw@ci.example.com/hook", "authorization" },
        { "not a url", "not a URL" },
    };

    [Theory]
    [MemberData(nameof(RefusedUrls))]
    public async Task Unsafe_urls_are_refused(string url, string reason)
    {
        await using var registry = await TestRegistry.CreateAsync(WebhookTestSupport.FastSettings());
        var admin = await registry.AdminAsync();
        var error = await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.HookAsync(admin, null, url));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public async Task Http_is_allowed_to_the_hosts_of_the_setting_only()
    {
        await using var registry = await TestRegistry.CreateAsync(WebhookTestSupport.FastSettings());
        var admin = await registry.AdminAsync();
        var hook = await registry.HookAsync(admin, null, "http://127.0.0.1:9/hook");
        Assert.Equal("http://127.0.0.1:9/hook", hook.Url);
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.HookAsync(admin, null, "http://localhost:9/hook"));
    }

    [Fact]
    public async Task Events_are_checked()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.None);
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Webhooks.CreateAsync(owner, new WebhookSpec(name, [], Receiver)));
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.HookAsync(owner, name, Receiver, "MODEL_VERSION_EXPLODED"));
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.HookAsync(owner, name, Receiver, RegisteredModelCreated));
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Webhooks.CreateAsync(owner, new WebhookSpec(name, [CommentCreated], Receiver, Status: "SLEEPING")));
        var hook = await registry.HookAsync(owner, name, Receiver, "comment_created");
        Assert.Equal([CommentCreated], hook.Events);
    }

    [Fact]
    public async Task The_secret_is_stored_encrypted_and_never_answered()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.AdminAsync();
        var hook = await registry.Webhooks.CreateAsync(admin, new WebhookSpec(null, [CommentCreated], Receiver, Secret: "s3cr3t-value", Authorization: "Bearer t0ken"));

        Assert.True(hook.HasSecret);
        Assert.True(hook.HasAuthorization);
        var stored = await registry.QueryAsync(db => db.Set<Webhook>().FindAsync(hook.Id).AsTask());
        Assert.DoesNotContain("s3cr3t-value", stored!.ProtectedSecret);
        Assert.DoesNotContain("t0ken", stored.ProtectedAuthorization);
        var listed = Assert.Single(await registry.Webhooks.ListAsync(admin));
        Assert.DoesNotContain("s3cr3t", JsonSerializer.Serialize(listed));

        var cleared = await registry.Webhooks.UpdateAsync(admin, hook.Id, new WebhookChange(Secret: ""));
        Assert.False(cleared.HasSecret);
        Assert.True(cleared.HasAuthorization);
    }

    [Fact]
    public async Task Deleting_a_model_deletes_its_webhooks()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelInStagesAsync(Stage.None);
        var hook = await registry.HookAsync(owner, name, Receiver);
        await registry.Models.DeleteAsync(owner, name);
        var admin = await registry.AdminAsync();
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Webhooks.GetAsync(admin, hook.Id));
    }
}
