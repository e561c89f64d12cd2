using RegistryPortal.Domain;

namespace RegistryPortal.Search;

/// <summary>
/// What every filter parser shares, whatever it searches: one token of lookahead, comparisons joined by AND,
/// operators checked against what the left side takes, quoted names after a prefix, IN lists, and errors that
/// name the position. A search's parser declares only its keys and their values.
/// <code>
/// filter := [ comparison { AND comparison } ]
/// </code>
/// </summary>
internal abstract class FilterParserBase<TComparison>(string text, TokenDialect dialect)
{
    private readonly FilterTokenizer tokenizer = new(text, dialect);
    private Token? lookahead;

    protected Token Peek => lookahead ??= tokenizer.Next();

    protected Token Take()
    {
        var token = Peek;
        lookahead = null;
        return token;
    }

    protected abstract TComparison Comparison();

    protected List<TComparison> Comparisons()
    {
        var comparisons = new List<TComparison>();
        if (Peek.Kind == TokenKind.End) return comparisons;
        comparisons.Add(Comparison());
        while (Peek.Kind != TokenKind.End)
        {
            var joiner = Take();
            if (joiner.IsKeyword("OR")) throw At(joiner, "OR is not supported; comparisons can only be joined with AND.");
            if (!joiner.IsKeyword("AND"))
                throw At(joiner, $"expected AND or the end of the filter after a comparison, found {joiner.Describe()}.");
            comparisons.Add(Comparison());
        }
        return comparisons;
    }

    /// <summary>
    /// The name after <c>prefix.</c> in <paramref name="word"/>: as written, or quoted right after the dot
    /// (<c>tags.`key with spaces`</c>, <c>metrics."auc"</c>: no space between).
    /// </summary>
    /// <param name="missing">What to say when nothing follows the dot.</param>
    /// <param name="empty">What to say when the quoted name is empty.</param>
    protected string NameAfterDot(Token word, string name, string missing, string empty)
    {
        if (name.Length > 0) return name;
        if (Peek.Kind is TokenKind.Backticked or TokenKind.Quoted && word.IsFollowedDirectlyBy(Peek)) name = Take().Text;
        else throw At(word.Position + word.Length, missing);
        if (name.Length == 0) throw At(word.Position + word.Length, empty);
        return name;
    }

    /// <summary>The operator after <paramref name="target"/>, one of <paramref name="allowed"/>.</summary>
    /// <param name="refused">Starts the message for a known operator that the target does not take ("tags.x", "metrics.auc holds numbers and").</param>
    protected (FilterOperator Operator, Token Token) Operator(string target, IReadOnlyList<FilterOperator> allowed, string refused)
    {
        var token = Take();
        var op = FilterOperators.OperatorOf(token)
            ?? throw At(token, $"expected an operator after {target} ({FilterOperators.List(allowed)}), found {token.Describe()}.");
        if (!allowed.Contains(op))
            throw At(token, $"{refused} cannot be compared with {FilterOperators.Symbol(op)}; use {FilterOperators.List(allowed)}.");
        return (op, token);
    }

    /// <summary><c>( 'text' { , 'text' } )</c> after IN.</summary>
    protected List<string> QuotedList(string example)
    {
        var open = Take();
        if (open.Kind != TokenKind.OpenParen)
            throw At(open, $"expected a list in parentheses after IN, for example {example}, found {open.Describe()}.");
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
            if (separator.Kind == TokenKind.CloseParen) return items;
            if (separator.Kind != TokenKind.Comma)
                throw At(separator, $"expected ',' or ')' in the IN list, found {separator.Describe()}.");
        }
    }

    protected RegistryError At(Token token, string what) => At(token.Position, what);

    protected RegistryError At(int position, string what) => dialect.Error(position, what);
}
