using System.Collections.Concurrent;

namespace RegistryPortal.Registry;

/// <summary>
/// SQLite's one writer, as one thread running the write operations one after another. Queued behind a lock instead,
/// each writer waited for the lock's release to reach it through the thread pool, behind every HTTP request queued
/// there, while the database sat idle; here the next write starts the moment the last one ends. SQLite's calls
/// complete synchronously, so an operation runs start to end on this thread (one that does wait blocks it, as the
/// lock would). The caller's execution context (logging scopes and the like) flows with its operation.
/// </summary>
internal sealed class SqliteWriterThread : IDisposable
{
    private readonly BlockingCollection<Action> operations = new();

    public SqliteWriterThread()
    {
        var thread = new Thread(() =>
        {
            foreach (var operation in operations.GetConsumingEnumerable()) operation();
        })
        { IsBackground = true, Name = "SQLite writer" };
        thread.Start();
    }

    public Task<T> RunAsync<T>(Func<Task<T>> operation)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var context = ExecutionContext.Capture();
        operations.Add(() =>
        {
            if (context is null) Run(operation, done);
            else ExecutionContext.Run(context, _ => Run(operation, done), null);
        });
        return done.Task;
    }

    private static void Run<T>(Func<Task<T>> operation, TaskCompletionSource<T> done)
    {
        try { done.SetResult(operation().GetAwaiter().GetResult()); }
        catch (Exception e) { done.SetException(e); }
    }

    public void Dispose() => operations.CompleteAdding();
}
