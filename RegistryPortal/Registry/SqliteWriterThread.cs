using System.Collections.Concurrent;

namespace RegistryPortal.Registry;

/// <summary>
/// SQLite's one writer, as one thread running the write operations one after another. Queued behind a lock instead,
/// each writer waited for the lock's release to reach it through the thread pool, behind every HTTP request queued
/// there, while the database sat idle; here the next write starts the moment the last one ends. SQLite's calls
/// complete synchronously, so an operation runs start to end on this thread (one that does wait blocks it, as the
/// lock would). The caller's execution context (logging scopes and the like) flows with its operation. When it is
/// idle and the lock free, <see cref="RegistryStore"/> runs a write on the caller's thread instead: no handoff at all.
/// </summary>
internal sealed class SqliteWriterThread : IDisposable
{
    private readonly BlockingCollection<Action> operations = new();
    private int unfinished;

    public SqliteWriterThread()
    {
        var thread = new Thread(() =>
        {
            foreach (var operation in operations.GetConsumingEnumerable()) operation();
        })
        { IsBackground = true, Name = "SQLite writer" };
        thread.Start();
    }

    /// <summary>Whether no operation is queued or running here.</summary>
    public bool Idle => Volatile.Read(ref unfinished) == 0;

    public Task<T> RunAsync<T>(Func<Task<T>> operation)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Increment(ref unfinished);
        var context = ExecutionContext.Capture();
        operations.Add(() =>
        {
            if (context is null) Run(operation, done);
            else ExecutionContext.Run(context, _ => Run(operation, done), null);
        });
        return done.Task;
    }

    private void Run<T>(Func<Task<T>> operation, TaskCompletionSource<T> done)
    {
        try { done.SetResult(operation().GetAwaiter().GetResult()); }
        catch (Exception e) { done.SetException(e); }
        finally { Interlocked.Decrement(ref unfinished); }
    }

    public void Dispose() => operations.CompleteAdding();
}
