using System.Globalization;
using RegistryPortal.Domain;

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
{
    private readonly FilterTokenizer tokenizer = new(text);
    private Token? lookahead;

    private Token Peek => lookahead ??= tokenizer.Next();

    private Token Take()
    {
        var token = Peek;
        lookahead = null;
        return token;
    }

    public List<FilterComparison> Parse()
    {
        var comparisons = new List<FilterComparison>();
        if (Peek.Kind == TokenKind.End) return comparisons;
        comparisons.Add(ParseComparison());
        while (Peek.Kind != TokenKind.End)
        {
            var joiner = Take();
            if (joiner.IsKeyword("OR")) throw At(joiner, "OR is not supported; comparisons can only be joined with AND.");
            if (!joiner.IsKeyword("AND"))
                throw At(joiner, $"expected AND or the end of the filter after a comparison, found {joiner.Describe()}.");
            comparisons.Add(ParseComparison());
        }
        return comparisons;
    }

    /// <summary>The parsed left side, its rule (null for a tag), and how messages name it.</summary>
    private sealed record Target(FilterTarget Node, AttributeRule? Rule, string Text)
    {
        public IReadOnlyList<FilterOperator> Operators => Rule?.Operators ?? FilterRules.TagOperators;
        public string Example => Rule?.Example ?? "'value'";
    }

    private FilterComparison ParseComparison()
    {
        var start = Peek;
        var target = ParseTarget();
        var (op, opToken) = ParseOperator(target);
        var value = op == FilterOperator.In ? ParseList() : ParseValue(target, opToken);
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

    private Target Tag(Token word, string key)
    {
        if (key.Length == 0)
        {
            // tags.`key with spaces` or tags."key": the quoted key follows the dot with no space between.
            if (Peek.Kind is TokenKind.Backticked or TokenKind.Quoted && word.IsFollowedDirectlyBy(Peek)) key = Take().Text;
            else throw At(word.Position + word.Length, $"expected a tag key after '{word.Text}', for example tags.team or tags.`key with spaces`.");
            if (key.Length == 0) throw At(word.Position + word.Length, "a tag key cannot be empty.");
            return new Target(new TagTarget(key), null, $"tags.`{key}`");
        }
        return new Target(new TagTarget(key), null, $"tags.{key}");
    }

    private (FilterOperator, Token) ParseOperator(Target target)
    {
        var token = Take();
        var op = FilterRules.OperatorOf(token)
            ?? throw At(token, $"expected an operator after {target.Text} ({FilterRules.List(target.Operators)}), found {token.Describe()}.");
        if (!target.Operators.Contains(op))
            throw At(token, $"{target.Text} cannot be compared with {FilterRules.Symbol(op)}; use {FilterRules.List(target.Operators)}.");
        return (op, token);
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

    private TextListValue ParseList()
    {
        var open = Take();
        if (open.Kind != TokenKind.OpenParen)
            throw At(open, $"expected a list in parentheses after IN, for example run_id IN ('a1b2', 'c3d4'), found {open.Describe()}.");
        var items = new List<string>();
        while (true)
        {
            var item = Take();
            if (item.Kind == TokenKind.CloseParen && items.Count == 0)
                throw At(item, "the list after IN is empty; put at least one quoted value in it.");
            if (item.Kind != TokenKind.Quoted)
                throw At(item, $"expected a quoted value in the IN list, found {item.Describe()}.");
            items.Add(item.Text);
            var separator = Take();
            if (separator.Kind == TokenKind.CloseParen) return new TextListValue(items);
            if (separator.Kind != TokenKind.Comma)
                throw At(separator, $"expected ',' or ')' in the IN list, found {separator.Describe()}.");
        }
    }

    private RegistryError UnknownAttribute(Token word)
    {
        var onlyForVersions = subject == FilterSubject.Models
            && FilterRules.For(FilterSubject.Versions).Any(a => a.Name.Equals(word.Text, StringComparison.OrdinalIgnoreCase));
        var why = onlyForVersions ? $"'{word.Text}' only filters model versions" : $"unknown attribute '{word.Text}'";
        return At(word, $"{why}; use {FilterRules.Suggestions(subject)}.");
    }

    private static RegistryError At(Token token, string what) => FilterErrors.At(token.Position, what);

    private static RegistryError At(int position, string what) => FilterErrors.At(position, what);
}
