using RegistryPortal.Tests.TestSupport;

[assembly: AssemblyFixture(typeof(RegistryPortal.Tests.Postgres.PostgresAssembly))]

namespace RegistryPortal.Tests.Postgres;

/// <summary>
/// Starts the PostgreSQL server before any test of this assembly and stops it after the last, so every
/// TestRegistry here runs on a database of its own on it. Without PostgreSQL's binaries every test fails
/// with the reason (see <see cref="PostgresServer"/>).
/// </summary>
public sealed class PostgresAssembly : IAsyncLifetime
{
    private PostgresServer? server;

    public async ValueTask InitializeAsync() => TestRegistry.Postgres = server = await PostgresServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        TestRegistry.Postgres = null;
        if (server is not null) await server.DisposeAsync();
    }
}
