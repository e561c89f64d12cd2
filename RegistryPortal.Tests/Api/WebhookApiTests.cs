using System.Net;
using Microsoft.AspNetCore.Http;
using RegistryPortal.Domain;
using RegistryPortal.Tests.Webhooks;

namespace RegistryPortal.Tests.Api;

/// <summary>The app with http:// allowed to the test receivers at 127.0.0.1.</summary>
public sealed class WebhookApiApp() : ApiApp(new Dictionary<string, string?> { ["Webhooks:AllowHttpHosts:0"] = "127.0.0.1", ["Webhooks:PollSeconds"] = "0.05" });

/// <summary>Databricks' registry-webhooks/* over HTTP, under both prefixes.</summary>
public class WebhookApiTests(WebhookApiApp app) : IClassFixture<WebhookApiApp>
{
    private async Task<(string Name, ApiUser Owner)> ModelAsync()
    {
        var owner = await app.UserAsync(Roles.Editor);
        var name = ApiApp.Unique("hook");
        await owner.Client.ApiPostAsync("registered-models/create", new { name });
        await owner.Client.ApiPostAsync("model-versions/create", new { name, source = "s3://b/1" });
        return (name, owner);
    }

    [Fact]
    public async Task Create_list_update_test_and_delete_in_Databricks_shapes()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (name, owner) = await ModelAsync();

        var created = await owner.Client.ApiPostAsync("registry-webhooks/create", new
        {
            model_name = name, events = new[] { "MODEL_VERSION_TRANSITIONED_STAGE" }, description = "CI",
            http_url_spec = new { url = receiver.Url(), secret = "shh", enable_ssl_verification = false },
        });

        Assert.Equal(HttpStatusCode.OK, created.Status);
        var hook = created.Json["webhook"]!;
        var id = hook["id"]!.GetValue<string>();
        Assert.Equal(name, hook["model_name"]!.GetValue<string>());
        Assert.Equal("ACTIVE", hook["status"]!.GetValue<string>());
        Assert.Equal(receiver.Url(), hook["http_url_spec"]!["url"]!.GetValue<string>());
        Assert.False(hook["http_url_spec"]!["enable_ssl_verification"]!.GetValue<bool>());
        Assert.DoesNotContain("shh", created.ToString());
        Assert.True(hook["creation_timestamp"]!.GetValue<long>() > 0);

        var listed = await owner.Client.CallAsync(HttpMethod.Get, "/ajax-api/2.0/mlflow/registry-webhooks/list?model_name=" + ApiCalls.Q(name));
        Assert.Equal([id], listed.Json["webhooks"]!.AsArray().Select(h => h!["id"]!.GetValue<string>()));
        Assert.DoesNotContain("shh", listed.ToString());

        var updated = await owner.Client.ApiPatchAsync("registry-webhooks/update", new { id, status = "TEST_MODE", events = new[] { "COMMENT_CREATED" } });
        Assert.Equal("TEST_MODE", updated.Json["webhook"]!["status"]!.GetValue<string>());
        Assert.Equal(["COMMENT_CREATED"], updated.Json["webhook"]!["events"]!.AsArray().Select(e => e!.GetValue<string>()));

        receiver.Answer = async (_, http) =>
        {
            http.Response.StatusCode = 201;
            await http.Response.WriteAsync("hello from CI");
        };
        var tested = await owner.Client.ApiPostAsync("registry-webhooks/test", new { id });
        Assert.Equal(201, tested.Json["webhook"]!["status_code"]!.GetValue<int>());
        Assert.Equal("hello from CI", tested.Json["webhook"]!["body"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, (await owner.Client.ApiDeleteAsync($"registry-webhooks/delete?id={id}")).Status);
        Assert.Empty((await owner.Client.ApiGetAsync("registry-webhooks/list?model_name=" + ApiCalls.Q(name))).Json["webhooks"]!.AsArray());
    }

    [Fact]
    public async Task Refusals_are_MLflow_errors()
    {
        var (name, owner) = await ModelAsync();
        var editor = await app.UserAsync(Roles.Editor);
        var spec = new { url = "https://ci.example.com/hook" };

        JsonShape.Error(await editor.Client.ApiPostAsync("registry-webhooks/create", new { model_name = name, events = new[] { "COMMENT_CREATED" }, http_url_spec = spec }),
            HttpStatusCode.Forbidden, "PERMISSION_DENIED", null);
        JsonShape.Error(await owner.Client.ApiPostAsync("registry-webhooks/create", new { events = new[] { "COMMENT_CREATED" }, http_url_spec = spec }),
            HttpStatusCode.Forbidden, "PERMISSION_DENIED", null, "Only admins");
        JsonShape.Error(await owner.Client.ApiPostAsync("registry-webhooks/create", new { model_name = name, events = new[] { "COMMENT_CREATED" }, http_url_spec = new { url = "http://ci.example.com/x" } }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", null, "AllowHttpHosts");
        JsonShape.Error(await owner.Client.ApiPostAsync("registry-webhooks/create", new { model_name = name, events = new[] { "COMMENT_CREATED" } }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", null, "http_url_spec");
        var admin = app.Admin();
        var wide = await admin.ApiPostAsync("registry-webhooks/create", new { events = new[] { "REGISTERED_MODEL_CREATED" }, http_url_spec = spec });
        Assert.Null(wide.Json["webhook"]!["model_name"]);
        JsonShape.Error(await owner.Client.ApiPostAsync("registry-webhooks/test", new { id = "999999" }), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", null);
    }
}
