using System.Net;
using System.Net.Http.Headers;
using System.Text;
using RegistryPortal.Domain;

namespace RegistryPortal.Tests.Api;

/// <summary>Bodies no MLflow client sends well-formed: refused with an MLflow error, never a 500.</summary>
[Collection(ApiCollection.Name)]
public class MalformedBodyTests(ApiApp app)
{
    private static ByteArrayContent Json(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Invalid_UTF8_inside_a_string_is_400_BAD_REQUEST_and_creates_nothing()
    {
        var user = await app.UserAsync(Roles.Editor);
        var name = ApiApp.Unique("utf8");
        // "name": "<name>\xC3\x28" — a two-byte sequence cut short.
        var body = Utf8($"{{\"name\": \"{name}").Concat(new byte[] { 0xC3, 0x28 }).Concat(Utf8("\"}")).ToArray();

        var answer = await user.Client.CallAsync(HttpMethod.Post, "registered-models/create", Json(body));

        JsonShape.Error(answer, HttpStatusCode.BadRequest, "BAD_REQUEST",
            "Malformed request: the body holds text that is not valid UTF-8. Send JSON encoded as UTF-8.");
        Assert.Equal(HttpStatusCode.OK, (await user.Client.ApiGetAsync($"registered-models/search?filter={ApiCalls.Q($"name LIKE '{name}%'")}")).Status);
        Assert.Empty((await user.Client.ApiGetAsync($"registered-models/search?filter={ApiCalls.Q($"name LIKE '{name}%'")}")).Json["registered_models"]?.AsArray() ?? []);
    }

    [Fact]
    public async Task An_escaped_lone_surrogate_is_400_BAD_REQUEST()
    {
        var user = await app.UserAsync(Roles.Editor);

        var answer = await user.Client.CallAsync(HttpMethod.Post, "registered-models/create", Json(Utf8("""{"name": "half-\ud800-pair"}""")));

        JsonShape.Error(answer, HttpStatusCode.BadRequest, "BAD_REQUEST",
            "Malformed request: the body holds text that is not valid UTF-8. Send JSON encoded as UTF-8.");
    }

    [Fact]
    public async Task JSON_nested_deeper_than_64_levels_is_400_BAD_REQUEST()
    {
        var user = await app.UserAsync(Roles.Editor);
        var deep = "{\"name\": \"x\", \"tags\": " + new string('[', 100) + new string(']', 100) + "}";

        var answer = await user.Client.CallAsync(HttpMethod.Post, "registered-models/create", Json(Utf8(deep)));

        JsonShape.Error(answer, HttpStatusCode.BadRequest, "BAD_REQUEST", null, "Malformed request: the body is not valid JSON", "depth");
    }

    [Fact]
    public async Task A_JSON_body_over_16_MB_is_413_whether_its_length_is_declared_or_not()
    {
        var user = await app.UserAsync(Roles.Editor);
        var huge = Utf8("{\"name\": \"" + new string('a', (16 << 20) + 10) + "\"}");
        var chunked = new StreamContent(new MemoryStream(huge));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, ApiCalls.Prefix + "registered-models/create") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;

        var declared = await user.Client.CallAsync(HttpMethod.Post, "registered-models/create", Json(huge));
        using var undeclared = await user.Client.SendAsync(request);

        JsonShape.Error(declared, HttpStatusCode.RequestEntityTooLarge, "BAD_REQUEST",
            "The request body is over 16 MB. Send fewer values per call (files go to the artifact proxy).");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, undeclared.StatusCode);
    }
}
