using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Bench;

/// <summary>
/// The concurrent writers of <see cref="ConcurrencyFigure"/> through two instances of the portal on one PostgreSQL
/// database, as README's "Several instances" runs them: writes to different models take different locks, so both
/// instances write at once. The server is a private one from Debian's binaries, with PostgreSQL's durability settings
/// kept (fsync, synchronous commits), unlike the tests' server. Its CPU is not in the figure's CPU per write.
/// </summary>
public static class PostgresWritersFigure
{
    public static async Task<(List<Figure>, ConcurrencyOutcome)> RunAsync(BenchOptions options, TextWriter log)
    {
        await using var server = await PostgresServer.StartAsync(durable: true);
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres", ["Database:ConnectionString"] = await server.CreateDatabaseAsync(),
        };
        await using var first = await BenchHost.StartAsync(null, false, settings);
        await using var second = await BenchHost.StartAsync(null, false, settings);
        log.WriteLine($"  instances at {first.BaseUrl} and {second.BaseUrl}");
        return await ConcurrencyFigure.RunAsync([first, second], options, log, "writers on PostgreSQL, two instances");
    }
}
