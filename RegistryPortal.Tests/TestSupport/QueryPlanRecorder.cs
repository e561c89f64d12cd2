using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace RegistryPortal.Tests.TestSupport;

/// <summary>
/// An EF Core command interceptor that asks SQLite for the plan of every command run while <see cref="Call"/>
/// names a call: <c>EXPLAIN QUERY PLAN</c> of each statement, with the command's own parameters, on its own
/// connection and transaction, just before the command runs.
/// </summary>
public sealed partial class QueryPlanRecorder : DbCommandInterceptor
{
    private static readonly AsyncLocal<string?> CurrentCall = new();

    /// <summary>The call the commands belong to; flows with the request when the test server preserves the execution context.</summary>
    public static string? Call { get => CurrentCall.Value; set => CurrentCall.Value = value; }

    public ConcurrentQueue<StatementPlan> Plans { get; } = new();

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result) => Explained(command, result);

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) => new(Explained(command, result));

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result) => Explained(command, result);

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default) => new(Explained(command, result));

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result) => Explained(command, result);

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default) => new(Explained(command, result));

    private T Explained<T>(DbCommand command, T result)
    {
        Explain(command);
        return result;
    }

    private void Explain(DbCommand command)
    {
        if (Call is not { } call || command is not SqliteCommand sqlite) return;
        // EF batches statements with ";\n"; EXPLAIN covers only the statement it prefixes, and running the
        // rest would execute them, so each statement is explained on its own (unused parameters are ignored).
        foreach (var statement in command.CommandText.Split(";\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (statement.Length == 0) continue;
            using var explain = sqlite.Connection!.CreateCommand();
            explain.Transaction = sqlite.Transaction;
            explain.CommandText = "EXPLAIN QUERY PLAN " + statement;
            foreach (SqliteParameter p in sqlite.Parameters)
                explain.Parameters.Add(new SqliteParameter(p.ParameterName, p.Value ?? DBNull.Value) { SqliteType = p.SqliteType, Size = p.Size });
            var steps = new List<string>();
            using (var reader = explain.ExecuteReader())
                while (reader.Read()) steps.Add(reader.GetString(3));
            Plans.Enqueue(new StatementPlan(call, statement, steps, TablesByAlias(statement)));
        }
    }

    /// <summary>SQLite's plan names a table by its alias; EF writes <c>"Versions" AS "v"</c>.</summary>
    private static Dictionary<string, string> TablesByAlias(string sql)
    {
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in AliasPattern().Matches(sql)) aliases[m.Groups[2].Value] = m.Groups[1].Value;
        return aliases;
    }

    [GeneratedRegex("\"(\\w+)\" AS \"(\\w+)\"")]
    private static partial Regex AliasPattern();
}

/// <summary>One statement a call ran and SQLite's plan for it, a line per step ("SEARCH v USING INDEX …").</summary>
public sealed partial record StatementPlan(string Call, string Sql, IReadOnlyList<string> Steps, IReadOnlyDictionary<string, string> TablesByAlias)
{
    /// <summary>The tables the plan reads, each with whether it scans it: a full pass, by its rows or by an index, covering or not.</summary>
    public IEnumerable<(string Table, bool Scans, string Step)> Reads() =>
        from step in Steps
        let m = StepPattern().Match(step)
        where m.Success
        select (TablesByAlias.GetValueOrDefault(m.Groups[2].Value, m.Groups[2].Value), m.Groups[1].Value == "SCAN", step);

    [GeneratedRegex("^(SCAN|SEARCH) (\\w+)")]
    private static partial Regex StepPattern();
}
