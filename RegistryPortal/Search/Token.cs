namespace RegistryPortal.Search;

internal enum TokenKind
{
    /// <summary>An unquoted run of word characters (see <see cref="TokenDialect"/>): attributes, keywords, numbers, dotted keys.</summary>
    Word,
    /// <summary>A value in single or double quotes; a doubled quote inside stands for one.</summary>
    Quoted,
    /// <summary>A key in backticks: tags.`key with spaces`.</summary>
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
