using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RegistryPortal.Cli.Output;

/// <summary>Reading fields of the API's JSON answers, and writing JSON output for scripts.</summary>
internal static class Json
{
    public static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // a terminal or jq, never HTML
    };

    public static string Text(JsonNode? node, string field) => node?[field]?.GetValue<string>() ?? "";

    /// <summary>The version number of a model_version ("3" in MLflow's JSON).</summary>
    public static int Version(JsonNode? node) => int.Parse(Text(node, "version"), CultureInfo.InvariantCulture);

    /// <summary>An epoch-millisecond field as UTC, minute precision (what a table has room for).</summary>
    public static string Time(JsonNode? node, string field) =>
        node?[field] is JsonValue v && v.TryGetValue<long>(out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)
            : "";

    public static IEnumerable<JsonObject> Objects(JsonNode? array) => (array as JsonArray ?? []).OfType<JsonObject>();

    public static void Write(TextWriter output, IEnumerable<JsonNode> items) =>
        output.WriteLine(new JsonArray(items.Select(i => i.DeepClone()).ToArray()).ToJsonString(Indented));
}
