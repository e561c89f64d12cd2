using static RegistryPortal.Search.FilterOperator;

namespace RegistryPortal.Search;

public enum FilterOperator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Like,
    ILike,
    In,
}

/// <summary>How the operators are written in a filter and listed in its messages.</summary>
internal static class FilterOperators
{
    public static readonly IReadOnlyList<FilterOperator> Text = [Equal, NotEqual, Like, ILike];
    public static readonly IReadOnlyList<FilterOperator> Number = [Equal, NotEqual, Less, LessOrEqual, Greater, GreaterOrEqual];

    public static string Symbol(FilterOperator op) => op switch
    {
        Equal => "=",
        NotEqual => "!=",
        Less => "<",
        LessOrEqual => "<=",
        Greater => ">",
        GreaterOrEqual => ">=",
        Like => "LIKE",
        ILike => "ILIKE",
        In => "IN",
        _ => op.ToString(),
    };

    /// <summary>"=, !=, LIKE or ILIKE".</summary>
    public static string List(IReadOnlyList<FilterOperator> operators) =>
        operators.Count == 1 ? Symbol(operators[0])
            : string.Join(", ", operators.SkipLast(1).Select(Symbol)) + " or " + Symbol(operators[^1]);

    public static FilterOperator? OperatorOf(Token token) => token.Kind switch
    {
        TokenKind.Operator => Enum.GetValues<FilterOperator>().First(op => Symbol(op) == token.Text),
        TokenKind.Word when token.IsKeyword("LIKE") => Like,
        TokenKind.Word when token.IsKeyword("ILIKE") => ILike,
        TokenKind.Word when token.IsKeyword("IN") => In,
        _ => null,
    };
}
