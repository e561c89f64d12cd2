using System.Globalization;
using RegistryPortal.Domain;
using RegistryPortal.Search;

namespace RegistryPortal.Tracking.Search;

/// <summary>
/// Recursive descent over a runs filter (MLflow's search_runs syntax):
/// <code>
/// filter     := [ comparison { AND comparison } ]
/// comparison := key operator value
/// key        := prefix.name | prefix.`name` | prefix."name" | attribute
/// prefix     := metrics | metric | params | param | parameters | parameter | tags | tag | attributes | attribute | attr | run
/// value      := number (metrics, start_time, end_time) | 'text' | "text" (params, tags, run_id, run_name, status)
/// </code>
/// and over order_by clauses: <c>key [ASC | DESC]</c>. Prefixes, attribute names and keywords ignore case;
/// metric, param and tag names are taken as written.
/// </summary>
internal sealed class RunFilterParser(string text, FilterDialect dialect, Func<int, string, RegistryError> error)
    : FilterParserBase<RunComparison>(text, TokenDialect.Tracking(error))
{
    private static readonly Dictionary<string, RunEntity> Prefixes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["metrics"] = RunEntity.Metric, ["metric"] = RunEntity.Metric,
        ["params"] = RunEntity.Param, ["param"] = RunEntity.Param, ["parameters"] = RunEntity.Param, ["parameter"] = RunEntity.Param,
        ["tags"] = RunEntity.Tag, ["tag"] = RunEntity.Tag,
        ["attributes"] = RunEntity.Attribute, ["attribute"] = RunEntity.Attribute, ["attr"] = RunEntity.Attribute, ["run"] = RunEntity.Attribute,
    };

    public static List<RunComparison> ParseFilter(string? text, FilterDialect? dialect = null) =>
        new RunFilterParser(text ?? "", dialect ?? FilterDialect.Runs, (position, what) => RegistryError.InvalidValue($"Invalid filter at position {position}: {what}")).Comparisons();

    public static RunOrder ParseOrder(string clause, FilterDialect? dialect = null) =>
        new RunFilterParser(clause, dialect ?? FilterDialect.Runs, (position, what) => RegistryError.InvalidValue($"Invalid order_by clause '{clause}' at position {position}: {what}")).Order();

    private RunOrder Order()
    {
        var key = Key("an order_by clause", "metrics.auc DESC");
        var direction = Take();
        if (direction.Kind == TokenKind.End) return new RunOrder(key, false);
        if (!direction.IsKeyword("ASC") && !direction.IsKeyword("DESC"))
            throw At(direction, $"expected ASC, DESC or nothing after {key}, found {direction.Describe()}.");
        var end = Take();
        if (end.Kind != TokenKind.End) throw At(end, $"expected the end of the clause after {direction.Text}, found {end.Describe()}; give each order_by clause on its own.");
        return new RunOrder(key, direction.IsKeyword("DESC"));
    }

    protected override RunComparison Comparison()
    {
        var start = Peek;
        var key = Key("a comparison", dialect.Example);
        var (op, opToken) = key.IsNumeric
            ? Operator(key.ToString(), FilterOperators.Number, refused: $"{key} holds numbers and")
            : Operator(key.ToString(), FilterOperators.Text, refused: $"{key} holds text and");
        var value = Take();
        return key.IsNumeric
            ? new RunComparison(key, op, null, Number(key, opToken, value), start.Position)
            : new RunComparison(key, op, Text(key, opToken, value), null, start.Position);
    }

    private RunKey Key(string what, string example)
    {
        var word = Take();
        if (word.Kind == TokenKind.End) throw At(word, $"the text ends where {what} should start; for example {example}.");
        if (word.Kind != TokenKind.Word) throw At(word, $"expected {dialect.KeyHelp}, found {word.Describe()}.");
        var dot = word.Text.IndexOf('.');
        if (dot < 0)
        {
            // A bare attribute name (status = 'FINISHED') is accepted too.
            if (dialect.Attributes.TryGetValue(word.Text, out var bare)) return new RunKey(RunEntity.Attribute, bare.Name, bare.Attribute);
            throw At(word, $"'{word.Text}' is not a key; use {dialect.KeyHelp}.");
        }
        var prefix = word.Text[..dot];
        if (!Prefixes.TryGetValue(prefix, out var entity))
            throw At(word, $"unknown prefix '{prefix}' in '{word.Text}'; use {dialect.KeyHelp}.");
        var name = NameAfterDot(word, word.Text[(dot + 1)..],
            missing: $"expected a name after '{word.Text}', for example {word.Text}auc or {word.Text}`name with spaces`.",
            empty: "a name in backticks cannot be empty.");
        if (entity != RunEntity.Attribute) return new RunKey(entity, name);
        if (dialect.Attributes.TryGetValue(name, out var attribute)) return new RunKey(RunEntity.Attribute, attribute.Name, attribute.Attribute);
        throw At(word, $"unknown attribute '{name}'; use {dialect.AttributeNames}.");
    }

    private double Number(RunKey key, Token opToken, Token value)
    {
        var example = $"(for example {key} {opToken.Text} {(key.Entity == RunEntity.Metric ? "0.9" : "1700000000000")})";
        if (value.Kind == TokenKind.Word && double.TryParse(value.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            && double.IsFinite(number))
        {
            if (key.Entity == RunEntity.Attribute && number != Math.Floor(number))
                throw At(value, $"{key} is a time in whole milliseconds since 1970; {value.Text} has a fraction {example}.");
            return number;
        }
        var hint = value.Kind == TokenKind.Quoted ? $"{key} holds numbers: write the number without quotes" : $"expected a number after '{opToken.Text}'";
        throw At(value, $"{hint} {example}, found {value.Describe()}.");
    }

    private string Text(RunKey key, Token opToken, Token value)
    {
        if (value.Kind == TokenKind.Quoted) return value.Text;
        var hint = value.Kind == TokenKind.Word && key.Entity == RunEntity.Param
            ? $"params are text: put the value in quotes (for example {key} {opToken.Text} '{value.Text}')"
            : $"expected a quoted value after '{opToken.Text}' (for example {key} {opToken.Text} '{Example(key)}')";
        throw At(value, $"{hint}, found {value.Describe()}.");
    }

    private string Example(RunKey key) => key.Attribute switch
    {
        RunAttribute.Status => dialect == FilterDialect.LoggedModels ? "LOGGED_MODEL_READY" : "FINISHED",
        RunAttribute.Name => "model",
        RunAttribute.ModelId or RunAttribute.SourceRunId => "a1b2c3",
        RunAttribute.RunName => "baseline%",
        RunAttribute.RunId => "a1b2c3",
        _ => "value",
    };
}

/// <summary>
/// What one tracking search accepts besides metrics, params and tags: its attributes (each name or alias, the
/// attribute and its canonical name), and how messages list them. Runs and logged models are the two.
/// </summary>
internal sealed record FilterDialect(
    IReadOnlyDictionary<string, (RunAttribute Attribute, string Name)> Attributes, string AttributeNames, string Example)
{
    public string KeyHelp => $"metrics.<name>, params.<name>, tags.<name> or attributes.<{AttributeNames.Replace(" or ", ", ").Replace(", ", " | ")}>";

    /// <summary>Runs, with the aliases MLflow's own UI writes ("created", "run name").</summary>
    public static readonly FilterDialect Runs = new(new Dictionary<string, (RunAttribute, string)>(StringComparer.OrdinalIgnoreCase)
    {
        ["run_id"] = (RunAttribute.RunId, "run_id"),
        ["run_name"] = (RunAttribute.RunName, "run_name"), ["run name"] = (RunAttribute.RunName, "run_name"),
        ["status"] = (RunAttribute.Status, "status"),
        ["start_time"] = (RunAttribute.StartTime, "start_time"), ["created"] = (RunAttribute.StartTime, "start_time"),
        ["end_time"] = (RunAttribute.EndTime, "end_time"),
    }, "run_id, run_name, status, start_time or end_time", "metrics.auc > 0.9");

    /// <summary>Logged models (MLflow 3's search_logged_models).</summary>
    public static readonly FilterDialect LoggedModels = new(new Dictionary<string, (RunAttribute, string)>(StringComparer.OrdinalIgnoreCase)
    {
        ["name"] = (RunAttribute.Name, "name"),
        ["model_id"] = (RunAttribute.ModelId, "model_id"),
        ["model_type"] = (RunAttribute.ModelType, "model_type"),
        ["status"] = (RunAttribute.Status, "status"),
        ["source_run_id"] = (RunAttribute.SourceRunId, "source_run_id"),
        ["creation_timestamp"] = (RunAttribute.CreationTimestamp, "creation_timestamp"),
        ["creation_time"] = (RunAttribute.CreationTimestamp, "creation_timestamp"),
        ["last_updated_timestamp"] = (RunAttribute.LastUpdatedTimestamp, "last_updated_timestamp"),
    }, "name, model_id, model_type, status, source_run_id, creation_timestamp or last_updated_timestamp", "metrics.accuracy > 0.9");
}
