using System.Text;

namespace RegistryPortal.Registry.Search;

internal enum TokenKind
{
    /// <summary>An unquoted run of letters, digits, '_' and '.': attributes, keywords, numbers, dotted tag keys.</summary>
    Word,
    /// <summary>A value in single or double quotes; a doubled quote inside stands for one.</summary>
    Quoted,
    /// <summary>A tag key in backticks: tags.`key with spaces`.</summary>
    Backticked,
    Operator,
    OpenParen,
    CloseParen,
    Comma,
    End,
}

/// <summary>One token; <paramref name="Position"/> is 1-based, <paramref name="Length"/> counts the raw characters.</summary>
internal sealed record Token(TokenKind Kind, string Text, int Position, int Length)
{
    public bool IsKeyword(string keyword) => Kind == TokenKind.Word && Text.Equals(keyword, StringComparison.OrdinalIgnoreCase);

    /// <summary>The next token starts right where this one ends (no space), as in tags.`key`.</summary>
    public bool IsFollowedDirectlyBy(Token next) => Position + Length == next.Position;

    /// <summary>How the token reads in an error message.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.End => "the end of the filter",
        TokenKind.Quoted => $"the quoted value '{Text}'",
        _ => $"'{Text}'",
    };
}

/// <summary>Reads tokens one at a time, so the parser reports the leftmost problem in the text first.</summary>
internal sealed class FilterTokenizer(string text)
{
    private int i;

    public Token Next()
    {
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
        if (i == text.Length) return new Token(TokenKind.End, "", text.Length + 1, 0);
        var c = text[i];
        return c switch
        {
            '\'' or '"' => ReadQuoted(TokenKind.Quoted),
            '`' => ReadQuoted(TokenKind.Backticked),
            '(' => Single(TokenKind.OpenParen),
            ')' => Single(TokenKind.CloseParen),
            ',' => Single(TokenKind.Comma),
            '=' or '<' or '>' or '!' => ReadOperator(),
            _ when IsWordChar(c) => ReadWord(),
            _ => throw FilterErrors.At(i + 1,
                $"unexpected character '{c}'. Put tag keys with spaces or symbols in backticks (tags.`my key`) and values in quotes."),
        };
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '.';

    private Token Single(TokenKind kind) => new(kind, text[i].ToString(), ++i, 1);

    private Token ReadWord()
    {
        var start = i;
        while (i < text.Length && IsWordChar(text[i])) i++;
        return new Token(TokenKind.Word, text[start..i], start + 1, i - start);
    }

    private Token ReadOperator()
    {
        var start = i;
        var twoChars = i + 1 < text.Length ? text.Substring(i, 2) : "";
        var op = twoChars is "!=" or "<=" or ">=" ? twoChars : text[i].ToString();
        if (op == "!") throw FilterErrors.At(start + 1, "'!' on its own is not an operator; did you mean '!='?");
        i += op.Length;
        return new Token(TokenKind.Operator, op, start + 1, op.Length);
    }

    /// <summary>Reads up to the matching closing quote; inside, the quote character doubled stands for itself.</summary>
    private Token ReadQuoted(TokenKind kind)
    {
        var start = i;
        var quote = text[i++];
        var value = new StringBuilder();
        while (true)
        {
            if (i >= text.Length)
                throw FilterErrors.At(start + 1, $"the {(kind == TokenKind.Backticked ? "tag key" : "value")} that starts here has no closing {quote}.");
            if (text[i] == quote)
            {
                if (i + 1 < text.Length && text[i + 1] == quote) { value.Append(quote); i += 2; continue; }
                i++;
                return new Token(kind, value.ToString(), start + 1, i - start);
            }
            value.Append(text[i++]);
        }
    }
}
