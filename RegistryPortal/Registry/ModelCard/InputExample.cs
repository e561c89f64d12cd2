using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RegistryPortal.Registry.ModelCard;

/// <summary>
/// The model's input example, pretty-printed and cut to its first <see cref="InputExample.ShownRows"/> rows, and the
/// request body a served model (<c>mlflow models serve</c>) takes for it. <see cref="Problem"/> says why it is not shown.
/// </summary>
public sealed record InputExample(string FileName, string? Text, int Rows, int TotalRows, string? Problem, string? ServingPayload)
{
    public const int ShownRows = 5;

    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The example as MLmodel names it; <paramref name="serving"/> is MLflow's own serving payload when it saved one.</summary>
    internal static InputExample From(string fileName, SmallFile? file, SmallFile? serving)
    {
        if (file is null) return new InputExample(fileName, null, 0, 0, $"MLmodel names the input example {fileName}, but the version has no such file.", null);
        if (file.Problem is not null) return new InputExample(fileName, null, 0, 0, file.Problem, null);
        JsonNode? json;
        try
        {
            json = JsonNode.Parse(file.Text!);
        }
        catch (JsonException)
        {
            // Not JSON (a CSV, say): its first lines, as they are.
            var lines = file.Text!.Split('\n');
            return new InputExample(fileName, string.Join('\n', lines.Take(ShownRows + 1)), Math.Min(lines.Length, ShownRows + 1), lines.Length, null, null);
        }
        var (shown, rows, total) = FirstRows(json);
        var payload = serving?.Text is { } served && TryCompact(served) is { } compact ? compact : Payload(shown)?.ToJsonString();
        return new InputExample(fileName, Pretty(shown, 0), rows, total, null, payload);
    }

    /// <summary>JSON indented as a person would: an object's keys one a line, a row (a list of plain values) on one line.</summary>
    private static string Pretty(JsonNode? node, int indent)
    {
        var inner = new string(' ', indent + 2);
        var close = new string(' ', indent);
        return node switch
        {
            JsonObject o when o.Count > 0 =>
                $"{{\n{string.Join(",\n", o.Select(p => $"{inner}{JsonSerializer.Serialize(p.Key, Readable)}: {Pretty(p.Value, indent + 2)}"))}\n{close}}}",
            JsonArray a when a.Any(i => i is JsonObject or JsonArray) =>
                $"[\n{string.Join(",\n", a.Select(i => inner + Pretty(i, indent + 2)))}\n{close}]",
            JsonArray a => $"[{string.Join(", ", a.Select(i => i?.ToJsonString(Readable) ?? "null"))}]",
            _ => node?.ToJsonString(Readable) ?? "null",
        };
    }

    /// <summary>
    /// The example with only its first rows: a pandas "split" frame's data, a list's items, or the list under
    /// "inputs"/"instances"/"dataframe_records"; anything else whole.
    /// </summary>
    private static (JsonNode? Shown, int Rows, int Total) FirstRows(JsonNode? json)
    {
        var shown = json?.DeepClone();
        var list = shown switch
        {
            JsonArray array => array,
            JsonObject o when o["data"] is JsonArray data => data,
            JsonObject o when o["dataframe_split"]?["data"] is JsonArray data => data,
            JsonObject o when (o["inputs"] ?? o["instances"] ?? o["dataframe_records"]) is JsonArray rows => rows,
            _ => null,
        };
        if (list is null) return (shown, 1, 1);
        var total = list.Count;
        while (list.Count > ShownRows) list.RemoveAt(list.Count - 1);
        return (shown, list.Count, total);
    }

    /// <summary>What /invocations takes for the example: it as it is when it already names its format, a split frame as dataframe_split, else {"inputs": …}.</summary>
    private static JsonNode? Payload(JsonNode? example) => example switch
    {
        null => null,
        JsonObject o when o.ContainsKey("dataframe_split") || o.ContainsKey("dataframe_records") || o.ContainsKey("inputs") || o.ContainsKey("instances") => o,
        JsonObject o when o.ContainsKey("columns") && o.ContainsKey("data") => new JsonObject { ["dataframe_split"] = o.DeepClone() },
        _ => new JsonObject { ["inputs"] = example.DeepClone() },
    };

    private static string? TryCompact(string text)
    {
        try
        {
            var (shown, _, _) = FirstRows(JsonNode.Parse(text));
            return shown?.ToJsonString();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
