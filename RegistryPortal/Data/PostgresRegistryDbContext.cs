using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using RegistryPortal.Webhooks;

namespace RegistryPortal.Data;

/// <summary>
/// The registry's database on PostgreSQL: the same model as <see cref="RegistryDbContext"/>, with its own
/// migrations (Data/Migrations/Postgres) and PostgreSQL's way of doing what SQLite does differently.
/// Services keep asking for <see cref="RegistryDbContext"/>; <see cref="DatabaseSetup"/> hands them this one.
/// <para>A migration of the model is added for both providers, each from the app's own settings (no server is contacted):
/// <c>dotnet ef migrations add NAME --context RegistryPortal.Data.RegistryDbContext --output-dir Data/Migrations</c> and
/// <c>dotnet ef migrations add NAME --context PostgresRegistryDbContext --output-dir Data/Migrations/Postgres --
/// --Database:Provider Postgres --Database:ConnectionString Host=localhost</c>.</para>
/// </summary>
public sealed class PostgresRegistryDbContext(DbContextOptions<PostgresRegistryDbContext> options) : RegistryDbContext(options)
{
    /// <summary>The channel on which instances tell each other of committed changes (LISTEN/NOTIFY).</summary>
    public const string ChangesChannel = "registry_changes";

    /// <summary>
    /// The key of the transaction-scoped advisory lock every write takes: exclusive for writes of the whole
    /// registry (one at a time, as on SQLite), shared for writes of one model. Advisory locks belong to a database,
    /// not a schema: registries in two schemas of one database would wait for each other (never see each other's rows).
    /// </summary>
    private const long WriteLockKey = 0x5265_6769_7374_7279; // "Registry"

    protected override void ConfigureConventions(ModelConfigurationBuilder configuration)
    {
        base.ConfigureConventions(configuration);
        // Text compares and sorts by code point, as SQLite's BINARY collation does, whatever the server's locale.
        configuration.Properties<string>().UseCollation("C");
    }

    protected override Type TimestampConverter => typeof(UtcDateTimeConverter);

    internal override bool HasOneWriter => false;

    internal override Task TakeWriteLockAsync(bool shared, CancellationToken ct) => shared
        ? Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock_shared({WriteLockKey})", ct)
        : Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({WriteLockKey})", ct);

    /// <summary>At most this many active webhooks come with a write's lock; beyond, a write asks for its model's.</summary>
    internal const int MaxHooksReadWithLock = 100;

    // All in one round trip: a batch's statements run in turn, each with a snapshot of its own (READ COMMITTED), so
    // the account is read once the lock is held, as if asked after it. The account query is AccessOfAsync's, in SQL.
    // A write of one model also reads the registry-wide settings and active webhooks it may need (ReadWithLock):
    // only writes of the whole registry change them, and they wait for its shared lock.
    internal override async Task<UserAccess> TakeWriteLockThenAccessOfAsync(bool shared, Actor actor, CancellationToken ct)
    {
        var transaction = (NpgsqlTransaction)Database.CurrentTransaction!.GetDbTransaction();
        await using var batch = new NpgsqlBatch(transaction.Connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(shared ? "SELECT pg_advisory_xact_lock_shared($1)" : "SELECT pg_advisory_xact_lock($1)")
                    { Parameters = { new NpgsqlParameter { Value = WriteLockKey } } },
                new NpgsqlBatchCommand("""
                    SELECT u."LockoutEnd", u."DisplayName", u."UserName", r."Name"
                    FROM "AspNetUsers" AS u
                    LEFT JOIN "AspNetUserRoles" AS ur ON u."Id" = ur."UserId"
                    LEFT JOIN "AspNetRoles" AS r ON ur."RoleId" = r."Id"
                    WHERE u."Id" = $1
                    """) { Parameters = { new NpgsqlParameter { Value = actor.UserId } } },
            },
        };
        if (shared)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("""SELECT "FourEyesByDefault" FROM "Settings" WHERE "Id" = $1""")
                { Parameters = { new NpgsqlParameter { Value = RegistrySettings.SingletonId } } });
            batch.BatchCommands.Add(new NpgsqlBatchCommand("""SELECT "Id", "ModelId", "Events" FROM "Webhooks" WHERE "Status" = $1 ORDER BY "Id" LIMIT $2""")
                { Parameters = { new NpgsqlParameter { Value = nameof(WebhookStatus.Active) }, new NpgsqlParameter { Value = MaxHooksReadWithLock + 1 } } });
        }
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.NextResultAsync(ct);
        var rows = new List<PermissionResolver.AccountRow>();
        while (await reader.ReadAsync(ct))
            rows.Add(new PermissionResolver.AccountRow(
                reader.IsDBNull(0) ? null : reader.GetFieldValue<DateTimeOffset>(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3)));
        if (shared)
        {
            await reader.NextResultAsync(ct);
            var fourEyes = await reader.ReadAsync(ct) && reader.GetBoolean(0);
            await reader.NextResultAsync(ct);
            var hooks = new List<ActiveHook>();
            while (await reader.ReadAsync(ct))
                hooks.Add(new ActiveHook(reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetInt32(1), reader.GetFieldValue<string[]>(2)));
            ReadWithLock = new RegistryWideReads(fourEyes, hooks.Count > MaxHooksReadWithLock ? null : hooks);
        }
        return PermissionResolver.AccessFrom(this, actor, rows);
    }

    // A model's lock is its row's: FOR NO KEY UPDATE waits for the model's other writers and then reads the row as
    // they left it, in one round trip (an advisory lock would need the model's id first and a second read after).
    // It still lets other transactions insert rows that refer to the model (their foreign-key checks take KEY SHARE).
    internal override Task<RegisteredModel?> LockModelByNameAsync(string normalizedName, CancellationToken ct) =>
        Models.FromSql($"SELECT * FROM \"Models\" WHERE \"NormalizedName\" = {normalizedName} FOR NO KEY UPDATE")
            .AsTracking().AsAsyncEnumerable().FirstOrDefaultAsync(ct).AsTask();

    internal override Task LockModelAsync(int modelId, CancellationToken ct) =>
        Database.ExecuteSqlAsync($"SELECT 1 FROM \"Models\" WHERE \"Id\" = {modelId} FOR NO KEY UPDATE", ct);

    /// <summary>PostgreSQL's LIKE is case-sensitive already. Npgsql gives it no escape character (its default is '\').</summary>
    internal override Expression<Func<string, bool>> Like(string pattern) => s => EF.Functions.Like(s, pattern);

    /// <summary>ILIKE: folds the case of ASCII letters (the "C" collation), as SQLite's LIKE does.</summary>
    internal override Expression<Func<string, bool>> ILike(string pattern) => s => EF.Functions.ILike(s, pattern);
}
