using System.Net;
using RegistryPortal.Domain;
using RegistryPortal.Registry;

namespace RegistryPortal.Tests.Api;

/// <summary>Databricks' transition-requests/* and comments/* over HTTP, calling the same services as the pages.</summary>
[Collection(ApiCollection.Name)]
public class TransitionRequestApiTests(ApiApp app)
{
    private async Task<(string Name, ApiUser Owner)> ModelAsync(int versions = 1)
    {
        var owner = await app.UserAsync(Roles.Editor);
        var name = ApiApp.Unique("req");
        await owner.Client.ApiPostAsync("registered-models/create", new { name });
        for (var i = 1; i <= versions; i++) await owner.Client.ApiPostAsync("model-versions/create", new { name, source = $"s3://b/{i}" });
        return (name, owner);
    }

    private static Task<ApiResponse> RequestAsync(ApiUser user, string name, string stage, string comment = "please") =>
        user.Client.ApiPostAsync("transition-requests/create", new { name, version = "1", stage, comment });

    [Fact]
    public async Task Create_answers_the_open_request()
    {
        var (name, _) = await ModelAsync();
        var reader = await app.UserAsync(Roles.Reader);

        var created = await RequestAsync(reader, name, "staging", "ready for a look");

        JsonShape.Equal($$$"""
            {"request": {"creation_timestamp": "<ts>", "to_stage": "Staging", "user_id": "{{{reader.DisplayName}}}", "comment": "ready for a look"}}
            """, created);
    }

    [Fact]
    public async Task A_second_open_request_for_the_same_stage_is_RESOURCE_ALREADY_EXISTS()
    {
        var (name, owner) = await ModelAsync();
        await RequestAsync(owner, name, "Staging");
        JsonShape.Error(await RequestAsync(owner, name, "Staging"), HttpStatusCode.BadRequest, "RESOURCE_ALREADY_EXISTS",
            null, $"Version 1 of '{name}' already has a pending request", "to move to Staging");
    }

    [Fact]
    public async Task Create_for_a_missing_version_is_RESOURCE_DOES_NOT_EXIST()
    {
        var (name, owner) = await ModelAsync();
        JsonShape.Error(await owner.Client.ApiPostAsync("transition-requests/create", new { name, version = "5", stage = "Staging" }),
            HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", $"Model Version (name={name}, version=5) not found");
    }

    [Fact]
    public async Task List_answers_the_open_requests_as_activities()
    {
        var (name, owner) = await ModelAsync();
        var reader = await app.UserAsync(Roles.Reader);
        await RequestAsync(reader, name, "Staging", "first");
        await RequestAsync(owner, name, "Production", "second");

        var listed = await reader.Client.ApiGetAsync($"transition-requests/list?name={name}&version=1");

        JsonShape.Equal($$$"""
            {"requests": [
              {"id": "<text>", "activity_type": "REQUESTED_TRANSITION", "creation_timestamp": "<ts>", "last_updated_timestamp": "<ts>",
               "user_id": "{{{owner.DisplayName}}}", "from_stage": "None", "to_stage": "Production", "comment": "second"},
              {"id": "<text>", "activity_type": "REQUESTED_TRANSITION", "creation_timestamp": "<ts>", "last_updated_timestamp": "<ts>",
               "user_id": "{{{reader.DisplayName}}}", "from_stage": "None", "to_stage": "Staging", "comment": "first"}]}
            """, listed);
    }

    [Fact]
    public async Task Approve_makes_the_move_and_answers_the_activity()
    {
        var (name, owner) = await ModelAsync(versions: 2);
        await owner.Client.ApiPostAsync("model-versions/transition-stage", new { name, version = "2", stage = "Staging", archive_existing_versions = false });
        await RequestAsync(owner, name, "Staging");
        var approver = await app.UserAsync(Roles.StagingManager);

        var approved = await approver.Client.ApiPostAsync("transition-requests/approve",
            new { name, version = "1", stage = "Staging", archive_existing_versions = true, comment = "go" });

        JsonShape.Equal($$$"""
            {"activity": {"id": "<text>", "activity_type": "APPROVED_REQUEST", "creation_timestamp": "<ts>", "last_updated_timestamp": "<ts>",
              "user_id": "{{{approver.DisplayName}}}", "from_stage": "None", "to_stage": "Staging", "comment": "go"}}
            """, approved);
        var versions = app.Service<VersionService>();
        Assert.Equal(Stage.Staging, (await versions.GetAsync(owner.Actor, name, 1)).Stage);
        Assert.Equal(Stage.Archived, (await versions.GetAsync(owner.Actor, name, 2)).Stage);
        JsonShape.Equal("""{"requests": []}""", await owner.Client.ApiGetAsync($"transition-requests/list?name={name}&version=1"));
    }

    [Fact]
    public async Task Approve_by_a_Reader_is_PERMISSION_DENIED_and_the_request_stays_open()
    {
        var (name, owner) = await ModelAsync();
        await RequestAsync(owner, name, "Production");
        var reader = await app.UserAsync(Roles.Reader);

        var refused = await reader.Client.ApiPostAsync("transition-requests/approve",
            new { name, version = "1", stage = "Production", archive_existing_versions = false });

        JsonShape.Error(refused, HttpStatusCode.Forbidden, "PERMISSION_DENIED", null, "You need Manage Production Versions", "you have Read");
        Assert.Single((await owner.Client.ApiGetAsync($"transition-requests/list?name={name}&version=1")).Json["requests"]!.AsArray());
    }

    [Fact]
    public async Task Approve_without_an_open_request_is_RESOURCE_DOES_NOT_EXIST()
    {
        var (name, owner) = await ModelAsync();
        JsonShape.Error(await owner.Client.ApiPostAsync("transition-requests/approve",
                new { name, version = "1", stage = "Staging", archive_existing_versions = false }),
            HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", $"Version 1 of '{name}' has no pending request to move to Staging.");
    }

    [Fact]
    public async Task Reject_closes_the_request_without_a_move()
    {
        var (name, owner) = await ModelAsync();
        await RequestAsync(owner, name, "Staging");

        var rejected = await owner.Client.ApiPostAsync("transition-requests/reject", new { name, version = "1", stage = "Staging", comment = "not yet" });

        JsonShape.Equal($$$"""
            {"activity": {"id": "<text>", "activity_type": "REJECTED_REQUEST", "creation_timestamp": "<ts>", "last_updated_timestamp": "<ts>",
              "user_id": "{{{owner.DisplayName}}}", "from_stage": "None", "to_stage": "Staging", "comment": "not yet"}}
            """, rejected);
        Assert.Equal(Stage.None, (await app.Service<VersionService>().GetAsync(owner.Actor, name, 1)).Stage);
    }

    [Fact]
    public async Task Reject_by_a_Reader_is_PERMISSION_DENIED()
    {
        var (name, owner) = await ModelAsync();
        await RequestAsync(owner, name, "Staging");
        var reader = await app.UserAsync(Roles.Reader);
        JsonShape.Error(await reader.Client.ApiPostAsync("transition-requests/reject", new { name, version = "1", stage = "Staging" }),
            HttpStatusCode.Forbidden, "PERMISSION_DENIED", null, "You need Manage Staging Versions", "reject a request", "you have Read");
    }

    [Fact]
    public async Task Approve_without_the_archive_flag_is_INVALID_PARAMETER_VALUE()
    {
        var (name, owner) = await ModelAsync();
        await RequestAsync(owner, name, "Staging");
        JsonShape.Error(await owner.Client.ApiPostAsync("transition-requests/approve", new { name, version = "1", stage = "Staging" }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            "Missing value for required parameter 'archive_existing_versions'. See the API docs for more information about request parameters.");
    }

    [Fact]
    public async Task List_for_a_missing_model_is_RESOURCE_DOES_NOT_EXIST()
    {
        var reader = await app.UserAsync(Roles.Reader);
        JsonShape.Error(await reader.Client.ApiGetAsync("transition-requests/list?name=ghost-model&version=1"),
            HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "Registered Model with name=ghost-model not found");
    }

    [Fact]
    public async Task Delete_cancels_the_request_of_the_named_creator()
    {
        var (name, owner) = await ModelAsync();
        var reader = await app.UserAsync(Roles.Reader);
        await RequestAsync(reader, name, "Staging");

        var wrongCreator = await reader.Client.ApiDeleteAsync("transition-requests/delete",
            new { name, version = "1", stage = "Staging", creator = owner.Email });
        var deleted = await reader.Client.ApiDeleteAsync(
            $"transition-requests/delete?name={name}&version=1&stage=Staging&creator={Uri.EscapeDataString(reader.Email)}");

        JsonShape.Error(wrongCreator, HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST",
            $"Version 1 of '{name}' has no pending request by '{owner.Email}' to move to Staging.");
        JsonShape.Equal("{}", deleted);
        JsonShape.Equal("""{"requests": []}""", await owner.Client.ApiGetAsync($"transition-requests/list?name={name}&version=1"));
    }

    [Fact]
    public async Task Delete_of_someone_elses_request_needs_Manage()
    {
        var (name, owner) = await ModelAsync();
        await RequestAsync(owner, name, "Staging");
        var other = await app.UserAsync(Roles.ProductionManager);
        JsonShape.Error(await other.Client.ApiDeleteAsync("transition-requests/delete",
                new { name, version = "1", stage = "Staging", creator = owner.Email }),
            HttpStatusCode.Forbidden, "PERMISSION_DENIED", null, "You need Manage", "cancel someone else's request");
    }

    [Fact]
    public async Task Comment_create_answers_the_comment()
    {
        var (name, _) = await ModelAsync();
        var reader = await app.UserAsync(Roles.Reader);

        var created = await reader.Client.ApiPostAsync("comments/create", new { name, version = "1", comment = "Looks good to me" });

        JsonShape.Equal($$$"""
            {"comment": {"id": "<text>", "comment": "Looks good to me", "creation_timestamp": "<ts>", "last_updated_timestamp": "<ts>",
              "user_id": "{{{reader.DisplayName}}}"}}
            """, created);
        var activity = await app.Service<ActivityService>().ListAsync(reader.Actor, name, 1);
        Assert.Equal(long.Parse((string)created.Json["comment"]!["id"]!), activity.First(a => a.Kind == ActivityKind.Commented).Id);
    }

    [Fact]
    public async Task Comment_without_text_is_INVALID_PARAMETER_VALUE()
    {
        var (name, owner) = await ModelAsync();
        JsonShape.Error(await owner.Client.ApiPostAsync("comments/create", new { name, version = "1", comment = "" }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE",
            "Missing value for required parameter 'comment'. See the API docs for more information about request parameters.");
    }

    private static async Task<string> CommentAsync(ApiUser user, string name, string text = "first thoughts")
    {
        var created = await user.Client.ApiPostAsync("comments/create", new { name, version = "1", comment = text });
        Assert.True(created.Status == HttpStatusCode.OK, created.ToString());
        return (string)created.Json["comment"]!["id"]!;
    }

    private async Task<IEnumerable<string>> CommentTextsAsync(ApiUser user, string name) =>
        (await app.Service<ActivityService>().ListAsync(user.Actor, name, 1)).Where(a => a.Kind == ActivityKind.Commented).Select(a => a.Comment);

    [Fact]
    public async Task Comment_update_by_its_author_answers_the_new_text()
    {
        var (name, _) = await ModelAsync();
        var reader = await app.UserAsync(Roles.Reader);
        var id = await CommentAsync(reader, name);

        var updated = await reader.Client.ApiPatchAsync("comments/update", new { id, comment = "second thoughts" });

        JsonShape.Equal($$$"""
            {"comment": {"id": "{{{id}}}", "comment": "second thoughts", "creation_timestamp": "<ts>", "last_updated_timestamp": "<ts>",
              "user_id": "{{{reader.DisplayName}}}"}}
            """, updated);
        Assert.Equal(["second thoughts"], await CommentTextsAsync(reader, name));
    }

    [Fact]
    public async Task Comment_update_by_anyone_else_is_PERMISSION_DENIED_and_keeps_the_text()
    {
        var (name, owner) = await ModelAsync();
        var reader = await app.UserAsync(Roles.Reader);
        var id = await CommentAsync(reader, name);

        JsonShape.Error(await owner.Client.ApiPatchAsync("comments/update", new { id, comment = "rewritten" }), HttpStatusCode.Forbidden,
            "PERMISSION_DENIED", "Only the author of a comment can edit it. Add a comment of your own instead.");
        JsonShape.Error(await reader.Client.ApiPatchAsync("comments/update", new { id, comment = " " }), HttpStatusCode.BadRequest,
            "INVALID_PARAMETER_VALUE", "A comment cannot be empty.");
        Assert.Equal(["first thoughts"], await CommentTextsAsync(reader, name));
    }

    [Fact]
    public async Task Comment_update_and_delete_of_an_unknown_or_hidden_comment_are_RESOURCE_DOES_NOT_EXIST()
    {
        var (name, owner) = await ModelAsync();
        var id = await CommentAsync(owner, name);
        var stranger = await app.UserAsync(); // no role: sees no model

        JsonShape.Error(await owner.Client.ApiPatchAsync("comments/update", new { id = "987654321", comment = "x" }), HttpStatusCode.NotFound,
            "RESOURCE_DOES_NOT_EXIST", "Comment 987654321 does not exist. List the version's activity to find its comments.");
        JsonShape.Error(await stranger.Client.ApiDeleteAsync("comments/delete", new { id }), HttpStatusCode.NotFound,
            "RESOURCE_DOES_NOT_EXIST", $"Comment {id} does not exist. List the version's activity to find its comments.");
        JsonShape.Error(await owner.Client.ApiDeleteAsync("comments/delete", new { id = "abc" }), HttpStatusCode.BadRequest,
            "INVALID_PARAMETER_VALUE", "Invalid value 'abc' for parameter 'id': a comment id is the id that comments/create answered.");
        Assert.Equal(["first thoughts"], await CommentTextsAsync(owner, name));
    }

    [Fact]
    public async Task Comment_delete_by_its_author_or_a_Manage_holder_removes_it_and_by_another_reader_is_PERMISSION_DENIED()
    {
        var (name, owner) = await ModelAsync();
        var author = await app.UserAsync(Roles.Reader);
        var other = await app.UserAsync(Roles.Reader);
        var first = await CommentAsync(author, name, "one");
        var second = await CommentAsync(author, name, "two");

        var refused = await other.Client.ApiDeleteAsync("comments/delete", new { id = first });
        var byAuthor = await author.Client.ApiDeleteAsync($"comments/delete?id={first}"); // some clients send DELETE fields in the query
        var byCreator = await owner.Client.ApiDeleteAsync("comments/delete", new { id = second });

        JsonShape.Error(refused, HttpStatusCode.Forbidden, "PERMISSION_DENIED", null, "You need Manage", "delete someone else's comment");
        JsonShape.Equal("{}", byAuthor);
        JsonShape.Equal("{}", byCreator);
        Assert.Empty(await CommentTextsAsync(owner, name));
    }
}
