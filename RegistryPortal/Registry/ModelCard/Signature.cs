using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace RegistryPortal.Registry.ModelCard;

/// <summary>One input or output of a signature: a column (name, type, required) or a tensor (dtype, shape).</summary>
public sealed record SchemaField(string Name, string Type, string Shape, bool Optional)
{
    /// <summary>What the compare page sets side by side: "double", "tensor float32 (-1, 28, 28)", "string, optional".</summary>
    public string Summary => string.Join(", ", new[] { Shape.Length > 0 ? $"{Type} {Shape}" : Type, Optional ? "optional" : "" }.Where(s => s.Length > 0));
}

/// <summary>An inference parameter of the signature's params schema.</summary>
public sealed record ParamField(string Name, string Type, string Default, string Shape);

/// <summary>
/// A model's signature. MLflow keeps inputs, outputs and params as JSON strings inside the YAML: column-based
/// <c>[{"type": "double", "name": "x", "required": true}]</c> or tensor-based
/// <c>[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 28, 28]}}]</c>. A part that is not valid JSON
/// is named in <see cref="Problems"/>; the other parts still show.
/// </summary>
public sealed record Signature(IReadOnlyList<SchemaField> Inputs, IReadOnlyList<SchemaField> Outputs, IReadOnlyList<ParamField> Params,
    IReadOnlyList<string> Problems)
{
    internal static Signature From(YamlMappingNode signature)
    {
        var problems = new List<string>();
        JsonArray Part(string key)
        {
            var text = MlModelFile.Child(signature, key) is YamlScalarNode { Value: { Length: > 0 } value } ? value : null;
            if (text is null || text == "null") return [];
            try
            {
                if (JsonNode.Parse(text) is JsonArray array) return array;
                problems.Add($"The signature's {key} is not a JSON list.");
            }
            catch (JsonException e)
            {
                problems.Add($"The signature's {key} is not valid JSON: {e.Message}");
            }
            return [];
        }
        return new Signature(Part("inputs").Select(Field).ToList(), Part("outputs").Select(Field).ToList(), Part("params").Select(Param).ToList(), problems);
    }

    private static SchemaField Field(JsonNode? node)
    {
        var type = Str(node?["type"]);
        if (type == "tensor" && node?["tensor-spec"] is { } spec)
            return new SchemaField(Str(node["name"]), $"tensor {Str(spec["dtype"])}", ShapeOf(spec["shape"]), false);
        return new SchemaField(Str(node?["name"]), TypeOf(node), "", node?["required"] is JsonValue required && required.TryGetValue(out bool r) && !r);
    }

    /// <summary>A column's type, with what an array holds or an object's properties: "array&lt;double&gt;", "object{a: string}".</summary>
    private static string TypeOf(JsonNode? node)
    {
        var type = Str(node?["type"]);
        return type switch
        {
            "array" => $"array<{TypeOf(node!["items"])}>",
            "map" => $"map<{TypeOf(node!["values"])}>",
            "object" when node!["properties"] is JsonObject properties =>
                $"object{{{string.Join(", ", properties.Select(p => $"{p.Key}: {TypeOf(p.Value)}"))}}}",
            _ => type,
        };
    }

    private static ParamField Param(JsonNode? node) =>
        new(Str(node?["name"]), Str(node?["type"]), node?["default"] is { } value ? value.ToJsonString() : "", ShapeOf(node?["shape"]));

    private static string ShapeOf(JsonNode? shape) =>
        shape is JsonArray dims ? $"({string.Join(", ", dims.Select(d => d?.ToJsonString() ?? "None"))})" : "";

    private static string Str(JsonNode? node) => node switch
    {
        JsonValue value when value.TryGetValue(out string? s) => s,
        JsonValue value when value.TryGetValue(out double d) => d.ToString(CultureInfo.InvariantCulture),
        null => "",
        _ => node.ToJsonString(),
    };
}
