using System.Globalization;
using RegistryPortal.Domain;
using RegistryPortal.Search;

namespace RegistryPortal.Registry.Search;

/// <summary>
/// Recursive descent over the tokens:
/// <code>
/// filter     := [ comparison { AND comparison } ]
/// comparison := target operator value
/// target     := attribute | attribute.&lt;attribute&gt; | (tags|tag).key | (tags|tag).`key` | (tags|tag)."key"
/// value      := 'text' | "text" | number | ( 'text' { , 'text' } )
/// </code>
/// Keywords and attribute names are case-insensitive; tag keys and values are taken as written.
/// </summary>
internal sealed class FilterParser(string text, FilterSubject subject)
    : FilterParserBase<FilterComparison>(text, TokenDialect.Registry(FilterErrors.At))
{
    public List<FilterComparison> Parse() => Comparisons();

    /// <summary>The parsed left side, its rule (null for a tag), and how messages name it.</summary>
    private sealed record Target(FilterTarget Node, AttributeRule? Rule, string Text)
    {
        public IReadOnlyList<FilterOperator> Operators => Rule?.Operators ?? FilterRules.TagOperators;
        public string Example => Rule?.Example ?? "'value'";
    }

    protected override FilterComparison Comparison()
    {
        var start = Peek;
        var target = ParseTarget();
        var (op, opToken) = Operator(target.Text, target.Operators, refused: target.Text);
        FilterValue value = op == FilterOperator.In ? new TextListValue(QuotedList("run_id IN ('a1b2', 'c3d4')")) : ParseValue(target, opToken);
        return new FilterComparison(target.Node, op, value, start.Position);
    }

    private Target ParseTarget()
    {
        var word = Take();
        if (word.Kind == TokenKind.End)
            throw At(word, "the filter ends where a comparison should start; add one, for example name = 'my-model'.");
        if (word.Kind != TokenKind.Word)
            throw At(word, $"expected an attribute ({FilterRules.Suggestions(subject)}), found {word.Describe()}.");
        var dot = word.Text.IndexOf('.');
        if (dot < 0) return Attribute(word.Text, word);
        var prefix = word.Text[..dot];
        var rest = word.Text[(dot + 1)..];
        if (prefix.Equals("attribute", StringComparison.OrdinalIgnoreCase)) return Attribute(rest, word);
        if (prefix.Equals("tags", StringComparison.OrdinalIgnoreCase) || prefix.Equals("tag", StringComparison.OrdinalIgnoreCase))
            return Tag(word, rest);
        throw UnknownAttribute(word);
    }

    private Target Attribute(string name, Token word)
    {
        var rule = FilterRules.For(subject).FirstOrDefault(a => a.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            ?? throw UnknownAttribute(word);
        return new Target(new AttributeTarget(rule.Attribute), rule, rule.Name);
    }

    private Target Tag(Token word, string rest)
    {
        var key = NameAfterDot(word, rest,
            missing: $"expected a tag key after '{word.Text}', for example tags.team or tags.`key with spaces`.",
            empty: "a tag key cannot be empty.");
        return new Target(new TagTarget(key), null, rest.Length == 0 ? $"tags.`{key}`" : $"tags.{key}");
    }

    private FilterValue ParseValue(Target target, Token opToken)
    {
        var token = Take();
        var example = $"(for example {target.Text} {opToken.Text} {target.Example})";
        if (target.Rule?.TakesNumbers == true)
        {
            // A quoted number is accepted too: MLflow's SQL stores compare '3' with the integer column as 3.
            if (token.Kind is TokenKind.Word or TokenKind.Quoted
                && int.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                return new NumberValue(number);
            throw At(token, $"expected a whole number after '{opToken.Text}' {example}, found {token.Describe()}.");
        }
        if (token.Kind != TokenKind.Quoted)
            throw At(token, $"expected a quoted value after '{opToken.Text}' {example}, found {token.Describe()}.");
        return new TextValue(token.Text);
    }

    private RegistryError UnknownAttribute(Token word)
    {
        var onlyForVersions = subject == FilterSubject.Models
            && FilterRules.For(FilterSubject.Versions).Any(a => a.Name.Equals(word.Text, StringComparison.OrdinalIgnoreCase));
        var why = onlyForVersions ? $"'{word.Text}' only filters model versions" : $"unknown attribute '{word.Text}'";
        return At(word, $"{why}; use {FilterRules.Suggestions(subject)}.");
    }
}
