using System.Text;

namespace RegistryPortal.Search;

/// <summary>
/// Reads a filter's tokens one at a time, so the parser reports the leftmost problem in the text first. The
/// same for every search; <see cref="TokenDialect"/> holds what differs. Numbers come back as
/// <see cref="TokenKind.Word"/> tokens: the parser decides what a word means.
/// </summary>
internal sealed class FilterTokenizer(string text, TokenDialect dialect)
{
    private int i;

    public Token Next()
    {
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
        if (i == text.Length) return new Token(TokenKind.End, "", text.Length + 1, 0);
        var c = text[i];
        var next = i + 1 < text.Length ? text[i + 1] : '\0';
        return c switch
        {
            '\'' or '"' => ReadQuoted(TokenKind.Quoted),
            '`' => ReadQuoted(TokenKind.Backticked),
            '(' => Single(TokenKind.OpenParen),
            ')' => Single(TokenKind.CloseParen),
            ',' => Single(TokenKind.Comma),
            '=' or '<' or '>' or '!' => ReadOperator(),
            '+' or '-' when dialect.SignedNumbers && (char.IsAsciiDigit(next) || next == '.') => ReadNumber(),
            '.' when dialect.SignedNumbers && char.IsAsciiDigit(next) => ReadNumber(),
            _ when dialect.SignedNumbers && char.IsAsciiDigit(c) => ReadNumber(),
            // A word starts with a letter or '_' (and, where numbers are plain words, a digit or '.'), never with '-' or '/'.
            _ when char.IsLetter(c) || c == '_' || (!dialect.SignedNumbers && dialect.IsWordChar(c)) => ReadWord(i),
            _ => throw dialect.Error(i + 1, $"unexpected character '{c}'. {dialect.UnexpectedCharacterHelp}"),
        };
    }

    private Token Single(TokenKind kind) => new(kind, text[i].ToString(), ++i, 1);

    /// <summary>A word from <paramref name="start"/> (which may already lie behind the cursor, for "1abc").</summary>
    private Token ReadWord(int start)
    {
        while (i < text.Length && dialect.IsWordChar(text[i])) i++;
        return new Token(TokenKind.Word, text[start..i], start + 1, i - start);
    }

    /// <summary>[+-] digits [. digits] [e [+-] digits]; anything word-like right after makes it a word ("1abc").</summary>
    private Token ReadNumber()
    {
        var start = i;
        if (text[i] is '+' or '-') i++;
        while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        if (i < text.Length && text[i] == '.') { i++; while (i < text.Length && char.IsAsciiDigit(text[i])) i++; }
        if (i < text.Length && text[i] is 'e' or 'E')
        {
            var exponent = i + 1;
            if (exponent < text.Length && text[exponent] is '+' or '-') exponent++;
            if (exponent < text.Length && char.IsAsciiDigit(text[exponent]))
            {
                i = exponent;
                while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
            }
        }
        return ReadWord(start);
    }

    private Token ReadOperator()
    {
        var start = i;
        var twoChars = i + 1 < text.Length ? text.Substring(i, 2) : "";
        var op = twoChars is "!=" or "<=" or ">=" ? twoChars : text[i].ToString();
        if (op == "!") throw dialect.Error(start + 1, "'!' on its own is not an operator; did you mean '!='?");
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
                throw dialect.Error(start + 1, $"the {(kind == TokenKind.Backticked ? dialect.BacktickedNoun : "value")} that starts here has no closing {quote}.");
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
