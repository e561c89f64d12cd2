using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace RegistryPortal.Cli.Commands;

/// <summary>
/// The options several commands share, made anew for each command (an option belongs to the commands it is
/// added to). Values are checked while parsing, so a bad stage or version is a usage error (exit 2).
/// </summary>
internal static class Options
{
    public static Option<string> ModelName(string name = "--model-name") =>
        new(name) { Description = "The registered model's name", Required = true };

    public static Option<int?> Version(bool required = true) => new("--version")
    {
        Description = "The model version number, e.g. 3",
        Required = required,
        Arity = ArgumentArity.ExactlyOne,
        CustomParser = result =>
        {
            var text = result.Tokens[0].Value;
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0) return n;
            result.AddError($"'{text}' is not a version number; give a whole number such as 3.");
            return null;
        },
    };

    public static Option<string> Stage() => new("--stage")
    {
        Description = $"The target stage: {string.Join(", ", Stages.All)} (any case)",
        Required = true,
        CustomParser = result =>
        {
            var text = result.Tokens[0].Value;
            if (Stages.Canonical(text) is { } stage) return stage;
            result.AddError(Stages.Unknown(text));
            return null;
        },
    };

    public static Option<bool> ArchiveExisting() =>
        new("--archive-existing") { Description = "Move the model's other versions in the target stage to Archived" };

    public static Option<string> Comment() => new("--comment") { Description = "A comment kept in the version's activity" };

    public static Option<string> Output()
    {
        var option = new Option<string>("--output", "-o") { Description = "table (default) or json", DefaultValueFactory = _ => "table" };
        option.AcceptOnlyFromAmong("table", "json");
        return option;
    }

    public static bool IsJson(this ParseResult parse, Option<string> output) => parse.GetValue(output) == "json";

    public static Command With(this Command command, params Option[] options)
    {
        foreach (var option in options) command.Options.Add(option);
        return command;
    }
}
