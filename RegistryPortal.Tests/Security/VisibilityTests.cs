using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Security;

public class VisibilityTests
{
    private static readonly Dictionary<string, Func<TestRegistry, Actor, string, Task>> Operations = new()
    {
        ["get model"] = (r, a, m) => r.Models.GetAsync(a, m),
        ["rename"] = (r, a, m) => r.Models.RenameAsync(a, m, "stolen"),
        ["delete model"] = (r, a, m) => r.Models.DeleteAsync(a, m),
        ["describe model"] = (r, a, m) => r.Models.UpdateDescriptionAsync(a, m, "x"),
        ["tag model"] = (r, a, m) => r.Models.SetTagAsync(a, m, "k", "v"),
        ["settings"] = (r, a, m) => r.Models.SetOneVersionPerStageAsync(a, m, true),
        ["register"] = (r, a, m) => r.Versions.RegisterAsync(a, new NewVersion(m, "s3://x")),
        ["get version"] = (r, a, m) => r.Versions.GetAsync(a, m, 1),
        ["get missing version"] = (r, a, m) => r.Versions.GetAsync(a, m, 99),
        ["list versions"] = (r, a, m) => r.Versions.ListAsync(a, m),
        ["describe version"] = (r, a, m) => r.Versions.UpdateDescriptionAsync(a, m, 1, "x"),
        ["tag version"] = (r, a, m) => r.Versions.SetTagAsync(a, m, 1, "k", "v"),
        ["delete version"] = (r, a, m) => r.Versions.DeleteAsync(a, m, 1),
        ["delete missing version"] = (r, a, m) => r.Versions.DeleteAsync(a, m, 99),
        ["transition"] = (r, a, m) => r.Stages.TransitionAsync(a, m, 1, "Staging"),
        ["transition missing version"] = (r, a, m) => r.Stages.TransitionAsync(a, m, 99, "Staging"),
        ["request"] = (r, a, m) => r.Requests.CreateAsync(a, m, 1, "Staging"),
        ["request missing version"] = (r, a, m) => r.Requests.CreateAsync(a, m, 99, "Staging"),
        ["list requests"] = (r, a, m) => r.Requests.ListAsync(a, m),
        ["activity"] = (r, a, m) => r.Activity.ListAsync(a, m),
        ["comment"] = (r, a, m) => r.Activity.CommentAsync(a, m, 1, "hi"),
        ["comment missing version"] = (r, a, m) => r.Activity.CommentAsync(a, m, 99, "hi"),
        ["set alias"] = (r, a, m) => r.Aliases.SetAsync(a, m, "champion", 1),
        ["set alias missing version"] = (r, a, m) => r.Aliases.SetAsync(a, m, "champion", 99),
        ["alias lookup"] = (r, a, m) => r.Aliases.GetVersionAsync(a, m, "champion"),
        ["list grants"] = (r, a, m) => r.Permissions.ListAsync(a, m),
        ["grant"] = (r, a, m) => r.Permissions.GrantAsync(a, m, a.UserId, PermissionLevel.Manage),
        ["level"] = (r, a, m) => r.Permissions.LevelAsync(a, m),
    };

    public static TheoryData<string> OperationNames() => new(Operations.Keys);

    [Theory]
    [MemberData(nameof(OperationNames))]
    public async Task A_user_without_Read_is_told_the_model_does_not_exist_exactly_as_for_a_missing_model(string operation)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1, name: "secret-model");
        await registry.Aliases.SetAsync(owner, name, "champion", 1);
        var stranger = await registry.UserAsync();
        var before = (await registry.EventsAsync(name)).Count;
        var act = Operations[operation];

        var hidden = await Expect.RefusalAsync(ErrorKind.NotFound, () => act(registry, stranger, "secret-model"));
        var missing = await Expect.RefusalAsync(ErrorKind.NotFound, () => act(registry, stranger, "absent-model"));

        Assert.Equal(missing.Message.Replace("absent-model", "secret-model"), hidden.Message);
        Assert.Equal(before, (await registry.EventsAsync(name)).Count);
    }

    [Fact]
    public async Task Requests_of_a_model_a_user_cannot_read_do_not_exist_for_them()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        var request = await registry.Requests.CreateAsync(owner, name, 1, "Staging");
        var stranger = await registry.UserAsync();

        var expected = $"Transition request #{request.Id} does not exist.";
        Assert.Equal(expected, (await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Requests.ApproveAsync(stranger, request.Id))).Message);
        Assert.Equal(expected, (await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Requests.RejectAsync(stranger, request.Id))).Message);
        Assert.Equal(expected, (await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Requests.CancelAsync(stranger, request.Id))).Message);
        Assert.Equal(RequestStatus.Pending, (await registry.RequestAsync(request.Id)).Status);
    }

    [Fact]
    public async Task A_user_with_Read_is_denied_what_needs_more_with_a_message_saying_what_is_needed()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(1);
        var reader = await registry.UserAsync(Roles.Reader);
        var error = await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => registry.Versions.DeleteAsync(reader, name, 1));
        Assert.Equal($"You need Manage on '{name}' to delete a version; you have Read. Ask a Manage holder or an admin.", error.Message);
    }

    [Fact]
    public async Task A_user_without_roles_sees_no_models()
    {
        await using var registry = await TestRegistry.CreateAsync();
        await registry.ModelWithVersionsAsync(1);
        await registry.ModelWithVersionsAsync(1);
        var stranger = await registry.UserAsync();

        var page = await registry.Models.ListAsync(stranger, new ModelQuery());

        Assert.Empty(page.Items);
        Assert.Equal(0, page.Total);
    }

    [Fact]
    public async Task A_list_shows_only_readable_models_and_its_total_counts_only_them()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.AdminAsync();
        var user = await registry.UserAsync();
        var editor = await registry.UserAsync(Roles.Editor);
        foreach (var n in new[] { "alpha", "bravo", "charlie", "delta", "echo" }) await registry.Models.CreateAsync(admin, n);
        await registry.Permissions.GrantAsync(admin, "bravo", user.UserId, PermissionLevel.Read);
        await registry.Permissions.GrantAsync(admin, "delta", user.UserId, PermissionLevel.Manage);
        await registry.Models.CreateAsync(editor, "foxtrot");
        await registry.SetRolesAsync(editor); // a creator who lost their role still sees their own model

        var userPage = await registry.Models.ListAsync(user, new ModelQuery());
        var editorPage = await registry.Models.ListAsync(editor, new ModelQuery());
        var adminPage = await registry.Models.ListAsync(admin, new ModelQuery());

        Assert.Equal(["bravo", "delta"], userPage.Items.Select(m => m.Name));
        Assert.Equal(2, userPage.Total);
        Assert.Equal(["foxtrot"], editorPage.Items.Select(m => m.Name));
        Assert.Equal(1, editorPage.Total);
        Assert.Equal(6, adminPage.Total);
    }

    [Fact]
    public async Task Search_and_paging_count_only_readable_models()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var admin = await registry.AdminAsync();
        var user = await registry.UserAsync();
        foreach (var n in new[] { "fraud-a", "fraud-b", "fraud-c", "fraud-d", "churn" }) await registry.Models.CreateAsync(admin, n);
        foreach (var n in new[] { "fraud-a", "fraud-c", "fraud-d", "churn" }) await registry.Permissions.GrantAsync(admin, n, user.UserId, PermissionLevel.Read);

        var first = await registry.Models.ListAsync(user, new ModelQuery("FRAUD", PageIndex: 0, PageSize: 2));
        var second = await registry.Models.ListAsync(user, new ModelQuery("fraud", PageIndex: 1, PageSize: 2));

        Assert.Equal(3, first.Total);
        Assert.Equal(["fraud-a", "fraud-c"], first.Items.Select(m => m.Name));
        Assert.Equal(["fraud-d"], second.Items.Select(m => m.Name));
        Assert.Equal(3, second.Total);
    }

    [Fact]
    public async Task A_reader_sees_every_model_and_its_versions()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (a, _) = await registry.ModelInStagesAsync(Stage.Production, Stage.Staging);
        var (b, _) = await registry.ModelWithVersionsAsync(1);
        var reader = await registry.UserAsync(Roles.Reader);

        var page = await registry.Models.ListAsync(reader, new ModelQuery());

        Assert.Equal(2, page.Total);
        var summary = Assert.Single(page.Items, m => m.Name == a);
        Assert.Equal([1], summary.ProductionVersions);
        Assert.Equal([2], summary.StagingVersions);
        Assert.Equal(2, summary.LatestVersion);
        Assert.Equal(1, (await registry.Versions.ListAsync(reader, b)).Total);
    }

    [Fact]
    public async Task Revoking_the_only_grant_hides_the_model_again()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1);
        var user = await registry.UserAsync();
        await registry.Permissions.GrantAsync(owner, name, user.UserId, PermissionLevel.Read);
        Assert.Equal(1, (await registry.Models.ListAsync(user, new ModelQuery())).Total);

        await registry.Permissions.RevokeAsync(owner, name, user.UserId);

        Assert.Equal(0, (await registry.Models.ListAsync(user, new ModelQuery())).Total);
        await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Models.GetAsync(user, name), "does not exist");
    }
}
