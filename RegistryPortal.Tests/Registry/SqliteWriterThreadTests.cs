using RegistryPortal.Domain;
using RegistryPortal.Registry;

namespace RegistryPortal.Tests.Registry;

/// <summary>The thread SQLite's writes run on: one at a time, in order, each answering its own caller.</summary>
public sealed class SqliteWriterThreadTests
{
    private static readonly AsyncLocal<string?> CallerValue = new();

    [Fact]
    public async Task Operations_run_one_at_a_time_in_the_order_they_were_queued()
    {
        using var writer = new SqliteWriterThread();
        var (running, overlapped, order) = (0, false, new List<int>());
        var done = Enumerable.Range(0, 50).Select(i => writer.RunAsync(async () =>
        {
            if (Interlocked.Increment(ref running) > 1) overlapped = true;
            await Task.Delay(i % 5 == 0 ? 5 : 0); // an operation that really waits still holds the thread
            order.Add(i);
            Interlocked.Decrement(ref running);
            return i;
        })).ToList();

        Assert.Equal(Enumerable.Range(0, 50), await Task.WhenAll(done));
        Assert.False(overlapped);
        Assert.Equal(Enumerable.Range(0, 50), order);
    }

    [Fact]
    public async Task A_failing_operation_throws_its_own_exception_to_its_caller_and_the_next_one_still_runs()
    {
        using var writer = new SqliteWriterThread();
        var failing = writer.RunAsync<int>(() => throw RegistryError.Conflict("taken"));
        var next = writer.RunAsync(() => Task.FromResult(7));

        var error = await Assert.ThrowsAsync<RegistryError>(() => failing);
        Assert.Equal("taken", error.Message);
        Assert.Equal(7, await next);
    }

    [Fact]
    public async Task The_callers_execution_context_flows_into_its_operation()
    {
        using var writer = new SqliteWriterThread();
        CallerValue.Value = "set by the caller";

        var seen = await writer.RunAsync(() => Task.FromResult(CallerValue.Value));

        Assert.Equal("set by the caller", seen);
        Assert.NotEqual(Environment.CurrentManagedThreadId, await writer.RunAsync(() => Task.FromResult(Environment.CurrentManagedThreadId)));
    }
}
