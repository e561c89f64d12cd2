using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RegistryPortal.Data;
using RegistryPortal.Registry;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry;

/// <summary>What the first start on an empty database logs: an operator reading it must see no error.</summary>
public class FirstStartTests
{
    [Fact]
    public async Task Migrating_an_empty_database_logs_no_error()
    {
        var folder = TestRegistry.NewFolder();
        var connection = TestRegistry.Postgres is { } server ? await server.CreateDatabaseAsync()
            : $"Data Source={TestRegistry.LocationsIn(folder).DatabaseFile}";
        var errors = new ErrorLog();
        var settings = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Artifacts:Root"] = TestRegistry.LocationsIn(folder).ArtifactsRoot }).Build();
        await using (var services = new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(errors))
            .AddSingleton<IConfiguration>(settings)
            .AddRegistryDatabase(TestRegistry.Provider, connection)
            .AddRegistry(settings)
            .BuildServiceProvider())
        {
            await services.MigrateRegistryDatabaseAsync();
            await services.MigrateRegistryDatabaseAsync(); // a restart: nothing left to apply
        }

        Assert.Empty(errors.Messages);
        if (TestRegistry.Postgres is { } started) await started.DropAsync(connection);
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
