using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace RegistryPortal.Registry.ModelCard;

/// <summary>A flavor of the model (python_function, sklearn, pytorch …) and its scalar settings, such as sklearn_version.</summary>
public sealed record Flavor(string Name, IReadOnlyList<KeyValuePair<string, string>> Properties);

/// <summary>
/// What an <c>MLmodel</c> file says about the model: its flavors, signature (inputs, outputs, params) and the file that
/// holds its input example (<c>saved_input_example_info.artifact_path</c>), with the rest of its top-level scalars.
/// </summary>
public sealed record MlModel(
    IReadOnlyList<Flavor> Flavors, Signature? Signature, string? InputExampleFile, string? ServingInputFile,
    IReadOnlyList<KeyValuePair<string, string>> About);

/// <summary>Reads MLmodel, MLflow's YAML description of a model folder. Malformed text is an answer, never an exception.</summary>
public static class MlModelFile
{
    public const string Name = "MLmodel";

    /// <summary>The parsed file, or why it could not be read ("MLmodel is not valid YAML: line 3, column 1: …").</summary>
    public static (MlModel? Model, string? Problem) Parse(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            return (null, $"{Name} is not valid YAML: line {e.Start.Line}, column {e.Start.Column}: {Reason(e)}");
        }
        if (stream.Documents.FirstOrDefault()?.RootNode is not YamlMappingNode root)
            return (null, $"{Name} does not describe a model: it should be a YAML mapping with 'flavors' and the like.");

        var flavors = Child(root, "flavors") is YamlMappingNode map
            ? map.Children.Select(f => new Flavor(Text(f.Key), Properties(f.Value))).ToList()
            : [];
        var example = Child(root, "saved_input_example_info") as YamlMappingNode;
        var about = root.Children
            .Where(c => c.Value is YamlScalarNode && Text(c.Key) is not ("signature" or "flavors"))
            .Select(c => KeyValuePair.Create(Text(c.Key), Text(c.Value))).ToList();
        return (new MlModel(flavors, Child(root, "signature") is YamlMappingNode signature ? Signature.From(signature) : null,
            Scalar(example, "artifact_path"), Scalar(example, "serving_input_path"), about), null);
    }

    /// <summary>The parser's own words without the position it prefixes them with (the answer names the line itself).</summary>
    private static string Reason(YamlException e)
    {
        var message = e.Message;
        var cut = message.IndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 && message.StartsWith('(') ? message[(cut + 3)..] : message;
    }

    /// <summary>A flavor's settings: scalars as they are, a nested mapping's scalars as "env.virtualenv", lists joined.</summary>
    private static List<KeyValuePair<string, string>> Properties(YamlNode flavor)
    {
        if (flavor is not YamlMappingNode map) return [];
        var properties = new List<KeyValuePair<string, string>>();
        foreach (var (key, value) in map.Children)
        {
            switch (value)
            {
                case YamlScalarNode:
                    properties.Add(KeyValuePair.Create(Text(key), Text(value)));
                    break;
                case YamlMappingNode nested:
                    properties.AddRange(nested.Children.Where(n => n.Value is YamlScalarNode)
                        .Select(n => KeyValuePair.Create($"{Text(key)}.{Text(n.Key)}", Text(n.Value))));
                    break;
                case YamlSequenceNode list:
                    properties.Add(KeyValuePair.Create(Text(key), string.Join(", ", list.Children.OfType<YamlScalarNode>().Select(Text))));
                    break;
            }
        }
        return properties;
    }

    internal static YamlNode? Child(YamlMappingNode? map, string key) =>
        map?.Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: var k } && k == key).Value;

    private static string? Scalar(YamlMappingNode? map, string key) => Child(map, key) is YamlScalarNode { Value: { } value } ? value : null;

    internal static string Text(YamlNode node) => node is YamlScalarNode { Value: { } value } ? value : "";
}
