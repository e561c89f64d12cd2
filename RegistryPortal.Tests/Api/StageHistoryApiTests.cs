using System.Net;
using RegistryPortal.Domain;

namespace RegistryPortal.Tests.Api;

/// <summary>GET /api/2.0/portal/stage-history: which versions were in a stage at a time, over HTTP.</summary>
[Collection(ApiCollection.Name)]
public class StageHistoryApiTests(ApiApp app)
{
    private const string Path = "/api/2.0/portal/stage-history";

    private static string Query(string name, string stage, string time) => $"{Path}?name={ApiCalls.Q(name)}&stage={stage}&time={ApiCalls.Q(time)}";

    [Fact]
    public async Task Answers_the_versions_in_the_stage_at_the_time_with_who_moved_them_in_milliseconds_or_iso_8601()
    {
        var owner = await app.UserAsync(Roles.Editor);
        var name = ApiApp.Unique("hist");
        await owner.Client.ApiPostAsync("registered-models/create", new { name });
        for (var i = 1; i <= 2; i++) await owner.Client.ApiPostAsync("model-versions/create", new { name, source = $"s3://b/{i}" });
        var first = await owner.Client.ApiPostAsync("model-versions/transition-stage",
            new { name, version = "1", stage = "Production", archive_existing_versions = false, comment = "go" });
        var firstAt = first.Json["model_version"]!["last_updated_timestamp"]!.GetValue<long>();
        await Task.Delay(20);
        await owner.Client.ApiPostAsync("model-versions/transition-stage", new { name, version = "2", stage = "Production", archive_existing_versions = true });

        var then = await owner.Client.ApiGetAsync(Query(name, "production", firstAt.ToString()));
        Assert.Equal(HttpStatusCode.OK, then.Status);
        Assert.Equal((name, "Production", firstAt), (then.Json["name"]!.GetValue<string>(), then.Json["stage"]!.GetValue<string>(), then.Json["time"]!.GetValue<long>()));
        var holder = then.Json["model_versions"]!.AsArray().Single()!;
        Assert.Equal(("1", owner.DisplayName, "go", firstAt),
            (holder["version"]!.GetValue<string>(), holder["moved_by"]!.GetValue<string>(), holder["comment"]!.GetValue<string>(), holder["moved_at"]!.GetValue<long>()));

        var before = await owner.Client.ApiGetAsync(Query(name, "Production", DateTimeOffset.FromUnixTimeMilliseconds(firstAt - 1).ToString("O")));
        Assert.Empty(before.Json["model_versions"]!.AsArray());
        var now = await owner.Client.ApiGetAsync(Query(name, "Production", DateTime.UtcNow.AddMinutes(1).ToString("O")));
        Assert.Equal("2", now.Json["model_versions"]!.AsArray().Single()!["version"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("time", "yesterday", "milliseconds since 1970")]
    [InlineData("stage", "Prod", "None, Staging, Production, Archived")]
    [InlineData("time", "", "'time'")]
    public async Task Bad_input_is_400_invalid_parameter_value_saying_what_to_fix(string field, string value, string says)
    {
        var owner = await app.UserAsync(Roles.Editor);
        var name = ApiApp.Unique("hist");
        await owner.Client.ApiPostAsync("registered-models/create", new { name });
        var fields = new Dictionary<string, string> { ["name"] = name, ["stage"] = "Production", ["time"] = "1764583200000" };
        fields[field] = value;
        var answer = await owner.Client.ApiGetAsync($"{Path}?{string.Join("&", fields.Select(f => $"{f.Key}={ApiCalls.Q(f.Value)}"))}");
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("INVALID_PARAMETER_VALUE", answer.Json["error_code"]!.GetValue<string>());
        Assert.Contains(says, answer.Json["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_model_the_caller_may_not_read_is_not_found_and_no_credentials_is_401()
    {
        var owner = await app.UserAsync(Roles.Editor);
        var name = ApiApp.Unique("hist");
        await owner.Client.ApiPostAsync("registered-models/create", new { name });
        var outsider = await app.UserAsync();

        var hidden = await outsider.Client.ApiGetAsync(Query(name, "Production", "1764583200000"));
        Assert.Equal((HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST"), (hidden.Status, hidden.Json["error_code"]!.GetValue<string>()));
        var anonymous = await app.Anonymous().ApiGetAsync(Query(name, "Production", "1764583200000"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
    }
}
