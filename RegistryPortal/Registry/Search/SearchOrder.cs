using System.Globalization;
using System.Linq.Expressions;
using RegistryPortal.Domain;

namespace RegistryPortal.Registry.Search;

/// <summary>
/// One column a search can sort by, with what keyset paging needs: the ordering, the "comes after this
/// row" comparison in SQL, and the row's value written into and read back from a page token.
/// </summary>
internal abstract class SortColumn<T>
{
    protected SortColumn(string id) => Id = id;

    /// <summary>Stable name of the column, used in page-token fingerprints ("name", "updated", …).</summary>
    public string Id { get; }

    public abstract IOrderedQueryable<T> OrderBy(IQueryable<T> rows, bool ascending);

    public abstract IOrderedQueryable<T> ThenBy(IOrderedQueryable<T> rows, bool ascending);

    /// <summary>column == value (for the sort keys before the one that decides).</summary>
    public abstract Expression EqualTo(Expression row, string? value);

    /// <summary>column after value in the given direction.</summary>
    public abstract Expression After(Expression row, string? value, bool ascending);

    /// <summary>The row's value of this column, as written into a page token.</summary>
    public abstract string? ValueOf(T row);
}

internal sealed class SortColumn<T, TKey>(string id, Expression<Func<T, TKey>> key, Func<TKey, string?> write, Func<string?, TKey> read)
    : SortColumn<T>(id)
{
    private readonly Func<T, TKey> compiled = key.Compile();

    public override IOrderedQueryable<T> OrderBy(IQueryable<T> rows, bool ascending) =>
        ascending ? rows.OrderBy(key) : rows.OrderByDescending(key);

    public override IOrderedQueryable<T> ThenBy(IOrderedQueryable<T> rows, bool ascending) =>
        ascending ? rows.ThenBy(key) : rows.ThenByDescending(key);

    public override Expression EqualTo(Expression row, string? value) => Expression.Equal(Column(row), Parameter(value));

    public override Expression After(Expression row, string? value, bool ascending)
    {
        var column = Column(row);
        var bound = Parameter(value);
        if (typeof(TKey) == typeof(string))
        {
            // string.Compare(a, b) > 0 is translated by EF Core to a > b (SQLite's binary collation, as ORDER BY uses).
            var compare = Expression.Call(typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!, column, bound);
            return ascending ? Expression.GreaterThan(compare, Expression.Constant(0)) : Expression.LessThan(compare, Expression.Constant(0));
        }
        return ascending ? Expression.GreaterThan(column, bound) : Expression.LessThan(column, bound);
    }

    public override string? ValueOf(T row) => write(compiled(row));

    private Expression Column(Expression row) => ReplaceParameter(key.Body, key.Parameters[0], row);

    // A member of a constant object, so EF Core sends the value as a SQL parameter, not inlined text.
    private Expression Parameter(string? value) =>
        Expression.Property(Expression.Constant(new Holder(read(value))), nameof(Holder.Value));

    private sealed class Holder(TKey value)
    {
        public TKey Value { get; } = value;
    }

    private static Expression ReplaceParameter(Expression body, ParameterExpression from, Expression to) =>
        new Replacer(from, to).Visit(body);

    private sealed class Replacer(ParameterExpression from, Expression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}

internal static class SortColumns
{
    public static SortColumn<T> Text<T>(string id, Expression<Func<T, string>> key) =>
        new SortColumn<T, string>(id, key, v => v, v => v!);

    public static SortColumn<T> Number<T>(string id, Expression<Func<T, int>> key) =>
        new SortColumn<T, int>(id, key, v => Write(v), v => int.Parse(v!, CultureInfo.InvariantCulture));

    public static SortColumn<T> Long<T>(string id, Expression<Func<T, long>> key) =>
        new SortColumn<T, long>(id, key, v => Write(v), v => long.Parse(v!, CultureInfo.InvariantCulture));

    public static SortColumn<T> Long<T>(string id, Expression<Func<T, long?>> key) =>
        new SortColumn<T, long?>(id, key, Write, v => v is null ? null : long.Parse(v, CultureInfo.InvariantCulture));

    /// <summary>A nullable number (a run's latest metric): null goes into a token as null; SQL's NULL is after nothing.</summary>
    public static SortColumn<T> Real<T>(string id, Expression<Func<T, double?>> key) =>
        new SortColumn<T, double?>(id, key, Write, v => v is null ? null : double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture));

    /// <summary>Timestamps go into tokens as UTC ticks: exact, so "equal" and "after" hold on the next page.</summary>
    public static SortColumn<T> Time<T>(string id, Expression<Func<T, DateTime>> key) =>
        new SortColumn<T, DateTime>(id, key, v => Write(v.Ticks), v => new DateTime(long.Parse(v!, CultureInfo.InvariantCulture), DateTimeKind.Utc));

    // How values are written into page tokens: exact and culture-free, so they read back to the same value.
    public static string Write(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Write(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string? Write(long? value) => value?.ToString(CultureInfo.InvariantCulture);

    public static string? Write(double? value) => value?.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>
/// A search's complete order: the keys the caller asked for (MLflow's <c>order_by</c>), then the natural
/// order, then the row id, so that no two rows tie and a keyset cursor names one exact position.
/// </summary>
internal sealed class SearchOrder<T>
{
    private readonly IReadOnlyList<(SortColumn<T> Column, bool Ascending)> keys;

    private SearchOrder(IReadOnlyList<(SortColumn<T>, bool)> keys) => this.keys = keys;

    public int KeyCount => keys.Count;

    /// <summary>"name:asc,updated:desc,id:asc": part of a page token's fingerprint.</summary>
    public string Signature => string.Join(",", keys.Select(k => $"{k.Column.Id}:{(k.Ascending ? "asc" : "desc")}"));

    /// <summary>
    /// Parses MLflow order_by clauses (<c>"name"</c>, <c>"last_updated_timestamp DESC"</c>): each a key this
    /// search knows, optionally followed by ASC or DESC; a column at most once.
    /// </summary>
    /// <param name="known">Keys the caller may name; several keys may name the same column (timestamp, last_updated_timestamp).</param>
    /// <param name="defaults">The order when the caller gives none.</param>
    /// <param name="natural">Appended when the caller did not already order by that column.</param>
    public static SearchOrder<T> Parse(IReadOnlyList<string>? clauses, IReadOnlyDictionary<string, SortColumn<T>> known,
        IReadOnlyList<(SortColumn<T>, bool)> defaults, IReadOnlyList<(SortColumn<T>, bool)> natural, SortColumn<T> id)
    {
        var keys = new List<(SortColumn<T> Column, bool Ascending)>();
        var given = (clauses ?? []).Where(c => !string.IsNullOrWhiteSpace(c)).ToList();
        foreach (var clause in given)
        {
            var parts = clause.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var validKeys = string.Join(", ", known.Keys.Select(k => $"'{k}'"));
            if (parts.Length is < 1 or > 2 || (parts.Length == 2 && !IsDirection(parts[1])))
                throw RegistryError.InvalidValue(
                    $"Invalid order_by clause '{clause}': write a key ({validKeys}), optionally followed by ASC or DESC.");
            if (!known.TryGetValue(parts[0], out var column))
                throw RegistryError.InvalidValue($"Invalid order by key '{parts[0]}' specified. Valid keys are {validKeys}.");
            if (keys.Any(k => k.Column == column))
                throw RegistryError.InvalidValue($"`order_by` contains duplicate fields: {string.Join(", ", given)}");
            keys.Add((column, parts.Length == 1 || parts[1].Equals("ASC", StringComparison.OrdinalIgnoreCase)));
        }
        if (keys.Count == 0) keys.AddRange(defaults);
        foreach (var (column, ascending) in natural)
        {
            if (keys.All(k => k.Column != column)) keys.Add((column, ascending));
        }
        keys.Add((id, true));
        return new SearchOrder<T>(keys);
    }

    /// <summary>An order given as its complete list of keys, the last ones breaking every tie (the runs search builds its own).</summary>
    public static SearchOrder<T> Of(IReadOnlyList<(SortColumn<T>, bool)> keys) => new(keys);

    private static bool IsDirection(string word) =>
        word.Equals("ASC", StringComparison.OrdinalIgnoreCase) || word.Equals("DESC", StringComparison.OrdinalIgnoreCase);

    public IOrderedQueryable<T> Apply(IQueryable<T> rows)
    {
        var ordered = keys[0].Column.OrderBy(rows, keys[0].Ascending);
        foreach (var (column, ascending) in keys.Skip(1)) ordered = column.ThenBy(ordered, ascending);
        return ordered;
    }

    /// <summary>The cursor of a row: its value of every sort key, in order.</summary>
    public IReadOnlyList<string?> CursorOf(T row) => keys.Select(k => k.Column.ValueOf(row)).ToList();

    /// <summary>
    /// Rows after the cursor in this order: (k1 after v1) OR (k1 = v1 AND k2 after v2) OR … — a keyset
    /// condition, so rows added or removed before the cursor never shift what the next page holds.
    /// </summary>
    public IQueryable<T> After(IQueryable<T> rows, IReadOnlyList<string?> cursor)
    {
        if (cursor.Count != keys.Count) throw new ArgumentException("The cursor does not fit this order.", nameof(cursor));
        var row = Expression.Parameter(typeof(T), "row");
        Expression? any = null;
        for (var i = 0; i < keys.Count; i++)
        {
            Expression branch = keys[i].Column.After(row, cursor[i], keys[i].Ascending);
            for (var j = i - 1; j >= 0; j--) branch = Expression.AndAlso(keys[j].Column.EqualTo(row, cursor[j]), branch);
            any = any is null ? branch : Expression.OrElse(any, branch);
        }
        return rows.Where(Expression.Lambda<Func<T, bool>>(any!, row));
    }
}
