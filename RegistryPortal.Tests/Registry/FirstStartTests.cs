using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using RegistryPortal.Data;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry;

/// <summary>What the first start on an empty database logs: an operator reading it must see no error.</summary>
public class FirstStartTests
{
    [Fact]
    public async Task Migrating_an_empty_database_logs_no_error()
    {
        var errors = new ErrorLog();
        // A database of its own on PostgreSQL (a new SQLite file otherwise), migrated from empty as the first start does.
        await using var registry = await TestRegistry.CreateWithOwnLocksAsync(errors);
        await registry.Services.MigrateRegistryDatabaseAsync(); // a restart: nothing left to apply

        Assert.Empty(errors.Messages);
    }

    /// <summary>Keeps what is logged at Error or above.</summary>
    private sealed class ErrorLog : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) Messages.Enqueue(formatter(state, exception));
        }

        public void Dispose() { }
    }
}
