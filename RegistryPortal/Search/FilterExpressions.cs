using System.Linq.Expressions;
using System.Text;
using Microsoft.EntityFrameworkCore.Query;
using RegistryPortal.Data;

namespace RegistryPortal.Search;

/// <summary>
/// The pieces every search's translator builds its LINQ from: a test applied to a column, the six comparisons of
/// numbers, the text comparisons, IN. Values are captured variables, so EF Core sends them as SQL parameters.
/// </summary>
internal static class FilterExpressions
{
    /// <summary>x => test(column(x)): the test applied to the column, as one expression EF Core can translate.</summary>
    public static Expression<Func<T, bool>> Compose<T, TValue>(Expression<Func<T, TValue>> column, Expression<Func<TValue, bool>> test) =>
        Expression.Lambda<Func<T, bool>>(ReplacingExpressionVisitor.Replace(test.Parameters[0], column.Body, test.Body), column.Parameters);

    /// <summary>=, !=, &lt;, &lt;=, &gt; or &gt;= against <paramref name="value"/> (whole numbers, doubles, times).</summary>
    public static Expression<Func<TValue, bool>> Compare<TValue>(FilterOperator op, TValue value) where TValue : struct
    {
        var x = Expression.Parameter(typeof(TValue), "x");
        Expression<Func<TValue>> captured = () => value;
        var right = captured.Body;
        Expression test = op switch
        {
            FilterOperator.Equal => Expression.Equal(x, right),
            FilterOperator.NotEqual => Expression.NotEqual(x, right),
            FilterOperator.Less => Expression.LessThan(x, right),
            FilterOperator.LessOrEqual => Expression.LessThanOrEqual(x, right),
            FilterOperator.Greater => Expression.GreaterThan(x, right),
            FilterOperator.GreaterOrEqual => Expression.GreaterThanOrEqual(x, right),
            _ => throw new InvalidOperationException($"{op} does not compare numbers."),
        };
        return Expression.Lambda<Func<TValue, bool>>(test, x);
    }

    /// <summary>A text comparison: '=' and '!=' exact, LIKE case-sensitive, ILIKE not, as the database's dialect does them.</summary>
    public static Expression<Func<string, bool>> Text(RegistryDbContext db, FilterOperator op, string value) => op switch
    {
        FilterOperator.Equal => s => s == value,
        FilterOperator.NotEqual => s => s != value,
        FilterOperator.Like => db.Like(value),
        FilterOperator.ILike => db.ILike(value),
        _ => throw new InvalidOperationException($"{op} does not compare text."),
    };

    public static Expression<Func<string, bool>> OneOf(IReadOnlyList<string> items)
    {
        var values = items.ToList();
        return s => values.Contains(s);
    }

    /// <summary>A LIKE pattern as a GLOB pattern: % → *, _ → ?, and GLOB's wildcards made literal with [ ].</summary>
    public static string LikeToGlob(string pattern)
    {
        var glob = new StringBuilder(pattern.Length + 8);
        foreach (var ch in pattern)
        {
            glob.Append(ch switch
            {
                '%' => "*",
                '_' => "?",
                '*' => "[*]",
                '?' => "[?]",
                '[' => "[[]",
                _ => ch.ToString(),
            });
        }
        return glob.ToString();
    }
}
