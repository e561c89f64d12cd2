using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RegistryPortal.Tests.Api;

/// <summary>
/// Asserts a JSON answer exactly: the same fields (none missing, none extra), types and values. Two
/// placeholders stand for what a test cannot know: <c>"&lt;ts&gt;"</c>, an epoch-millisecond integer within
/// the last ten minutes, and <c>"&lt;text&gt;"</c>, a non-empty string.
/// </summary>
public static class JsonShape
{
    public const string Timestamp = "<ts>";
    public const string AnyText = "<text>";

    public static void Equal(string expected, ApiResponse actual, HttpStatusCode status = HttpStatusCode.OK)
    {
        Assert.True(actual.Status == status, $"Expected {(int)status} but got {actual}");
        Compare(JsonNode.Parse(expected), actual.Body, "$");
    }

    /// <summary>An MLflow error answer: exactly {"error_code", "message"}, the message exact or containing the given words.</summary>
    public static void Error(ApiResponse actual, HttpStatusCode status, string errorCode, string? message = null, params string[] messageContains)
    {
        Assert.True(actual.Status == status, $"Expected {(int)status} {errorCode} but got {actual}");
        var body = Assert.IsType<JsonObject>(actual.Body);
        Assert.Equal(["error_code", "message"], body.Select(p => p.Key).Order());
        Assert.Equal(errorCode, (string?)body["error_code"]);
        var text = (string?)body["message"] ?? "";
        if (message is not null) Assert.Equal(message, text);
        foreach (var words in messageContains) Assert.Contains(words, text);
    }

    private static void Compare(JsonNode? expected, JsonNode? actual, string path)
    {
        if (expected is JsonValue placeholder && placeholder.GetValueKind() == JsonValueKind.String)
        {
            switch ((string?)placeholder)
            {
                case Timestamp:
                    var ms = actual is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? (long)v : -1;
                    var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                    Assert.True(ms > now - 600_000 && ms <= now + 1000, $"{path}: expected an epoch-millisecond timestamp, got {actual?.ToJsonString() ?? "nothing"}");
                    return;
                case AnyText:
                    Assert.True(actual is JsonValue t && t.GetValueKind() == JsonValueKind.String && ((string?)t)!.Length > 0,
                        $"{path}: expected a non-empty string, got {actual?.ToJsonString() ?? "nothing"}");
                    return;
            }
        }
        switch (expected)
        {
            case JsonObject expectedObject:
                var actualObject = Assert.IsType<JsonObject>(actual, exactMatch: false);
                var missing = expectedObject.Select(p => p.Key).Except(actualObject.Select(p => p.Key)).ToList();
                var extra = actualObject.Select(p => p.Key).Except(expectedObject.Select(p => p.Key)).ToList();
                Assert.True(missing.Count == 0 && extra.Count == 0,
                    $"{path}: fields differ; missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", extra)}] in {actual!.ToJsonString()}");
                foreach (var (key, value) in expectedObject) Compare(value, actualObject[key], $"{path}.{key}");
                return;
            case JsonArray expectedArray:
                var actualArray = Assert.IsType<JsonArray>(actual, exactMatch: false);
                Assert.True(expectedArray.Count == actualArray.Count,
                    $"{path}: expected {expectedArray.Count} items, got {actualArray.Count}: {actualArray.ToJsonString()}");
                for (var i = 0; i < expectedArray.Count; i++) Compare(expectedArray[i], actualArray[i], $"{path}[{i}]");
                return;
            default:
                Assert.True(JsonNode.DeepEquals(expected, actual),
                    $"{path}: expected {expected?.ToJsonString() ?? "null"}, got {actual?.ToJsonString() ?? "nothing"}");
                return;
        }
    }
}
