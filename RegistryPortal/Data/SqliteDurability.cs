using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace RegistryPortal.Data;

/// <summary>
/// Sets <c>synchronous=NORMAL</c> on every SQLite connection the registry opens. Under WAL (which
/// <see cref="DatabaseSetup"/> turns on) a commit then appends to the log without waiting for the disk,
/// which is synced at each checkpoint instead. The database stays consistent whatever happens; a crash of the
/// process loses nothing (the log is in the operating system's cache), and only a power cut or kernel crash
/// may lose the last transactions before the last sync — never half of one. That is SQLite's recommended
/// setting for WAL, and it turns a commit from a disk flush (milliseconds) into a memory copy.
/// </summary>
public sealed class SqliteDurability : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous=NORMAL;";
        command.ExecuteNonQuery();
    }
}
