using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RegistryPortal.Backup;
using RegistryPortal.Data;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using RegistryPortal.Webhooks;

namespace RegistryPortal.Tests.TestSupport;

/// <summary>
/// The real service layer over a real SQLite file in a temp folder, migrated like the app's; or, in the
/// assembly that runs these tests on PostgreSQL (RegistryPortal.Tests.Postgres sets <see cref="Postgres"/>),
/// over a fresh schema of its own on that server. Each test makes its own (milliseconds) and disposes it,
/// so tests never share data.
/// </summary>
public sealed class TestRegistry : IAsyncDisposable
{
    private readonly string folder;
    private readonly string? postgresDatabase;
    private int userCount;

    public ServiceProvider Services { get; }

    private readonly IConfiguration settings;

    private TestRegistry(string folder, string? postgresDatabase, ServiceProvider services, IConfiguration settings)
    {
        this.folder = folder;
        this.postgresDatabase = postgresDatabase;
        this.settings = settings;
        Services = services;
    }

    /// <summary>The PostgreSQL server every TestRegistry of this test assembly uses; none: SQLite.</summary>
    public static PostgresServer? Postgres { get; set; }

    public static DatabaseProvider Provider => Postgres is null ? DatabaseProvider.Sqlite : DatabaseProvider.Postgres;

    /// <param name="extraSettings">Settings of the app's own beyond the artifact root (Registry:RegistrationWaitSeconds).</param>
    public static Task<TestRegistry> CreateAsync(IReadOnlyDictionary<string, string?>? extraSettings = null) =>
        OpenAsync(NewFolder(), extraSettings);

    /// <summary>
    /// A registry that, on PostgreSQL, has a database of its own rather than a schema in the shared one. Advisory
    /// locks belong to a database, so a test that holds the write locks to watch who waits for whom would
    /// otherwise queue other tests' writes behind it, and theirs in front of its own. On SQLite, a new file as always.
    /// </summary>
    /// <param name="logs">Where its services log, from the migration of the empty database on; none: nowhere.</param>
    /// <param name="extraSettings">As <see cref="CreateAsync"/>'s (Database:ConcurrentWrites).</param>
    public static Task<TestRegistry> CreateWithOwnLocksAsync(ILoggerProvider? logs = null, IReadOnlyDictionary<string, string?>? extraSettings = null) =>
        OpenAsync(NewFolder(), extraSettings, ownDatabase: true, logs: logs);

    /// <summary>A new empty temp folder, for a registry (or a backup) of a test's own.</summary>
    public static string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "registry-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>
    /// The services over the SQLite registry in <paramref name="folder"/> (registry.db and artifacts/, as the app lays
    /// out its data folder), made when missing; the folder is deleted with the registry.
    /// </summary>
    public static async Task<TestRegistry> OpenAsync(string folder, IReadOnlyDictionary<string, string?>? extraSettings = null,
        bool ownDatabase = false, ILoggerProvider? logs = null)
    {
        var settings = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Artifacts:Root"] = LocationsIn(folder).ArtifactsRoot })
            .AddInMemoryCollection(extraSettings ?? new Dictionary<string, string?>())
            .Build();
        var postgresDatabase = Postgres is null ? null
            : ownDatabase ? await Postgres.CreateDatabaseAsync() // migrated below
            : await Postgres.CreateMigratedSchemaAsync();
        var provider = BuildServices(settings, postgresDatabase ?? SqliteConnectionString(folder), logs);
        await provider.MigrateRegistryDatabaseAsync();
        await AdminBootstrapper.EnsureRolesAndAdminAsync(provider);
        return new TestRegistry(folder, postgresDatabase, provider, settings);
    }

    private static ServiceProvider BuildServices(IConfiguration settings, string connectionString, ILoggerProvider? logs = null)
    {
        var services = new ServiceCollection()
            .AddLogging(logging => { if (logs is not null) logging.AddProvider(logs); })
            .AddSingleton<IConfiguration>(settings)
            .AddRegistryDatabase(Provider, connectionString, settings.GetValue<int?>("Database:ConcurrentWrites"))
            .AddRegistry(settings);
        // The app's own account rules (unique email, lockout), so admin operations behave as in the app.
        services.AddIdentityCore<ApplicationUser>(IdentitySetup.ConfigureIdentity).AddRoles<IdentityRole>().AddEntityFrameworkStores<RegistryDbContext>();
        return services.BuildServiceProvider();
    }

    /// <summary>
    /// The services of another portal process on this registry's database, with the same settings (its own singletons,
    /// workers and connections): a second instance on PostgreSQL, or on SQLite the app started again (once this one's
    /// background work is stopped: one process uses a SQLite file). The caller disposes them.
    /// </summary>
    public ServiceProvider OtherInstance() => BuildServices(settings, postgresDatabase ?? SqliteConnectionString(folder));

    private static string SqliteConnectionString(string folder) =>
        new SqliteConnectionStringBuilder { DataSource = LocationsIn(folder).DatabaseFile, DefaultTimeout = 30 }.ToString();

    /// <summary>Where this registry's SQLite file and artifacts are (the layout of the app's data folder).</summary>
    public DataLocations Locations => LocationsIn(folder);

    public static DataLocations LocationsIn(string folder) =>
        new(DatabaseProvider.Sqlite, Path.Combine(folder, "registry.db"), Path.Combine(folder, "artifacts"));

    public ModelService Models => Services.GetRequiredService<ModelService>();
    public VersionService Versions => Services.GetRequiredService<VersionService>();
    public StageService Stages => Services.GetRequiredService<StageService>();
    public TransitionRequestService Requests => Services.GetRequiredService<TransitionRequestService>();
    public RequestInboxService Inbox => Services.GetRequiredService<RequestInboxService>();
    public RegistrySettingsService Settings => Services.GetRequiredService<RegistrySettingsService>();
    public AliasService Aliases => Services.GetRequiredService<AliasService>();
    public ActivityService Activity => Services.GetRequiredService<ActivityService>();
    public ModelPermissionService Permissions => Services.GetRequiredService<ModelPermissionService>();
    public RegistrySearchService Search => Services.GetRequiredService<RegistrySearchService>();
    public UserAdminService UserAdmin => Services.GetRequiredService<UserAdminService>();
    public AuditService Audit => Services.GetRequiredService<AuditService>();
    public AccessTokenService Tokens => Services.GetRequiredService<AccessTokenService>();
    public WebhookService Webhooks => Services.GetRequiredService<WebhookService>();

    /// <summary>A new user with the given roles (none: a user who may see nothing until granted).</summary>
    public async Task<Actor> UserAsync(params string[] roles)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var n = Interlocked.Increment(ref userCount);
        var user = new ApplicationUser { UserName = $"user{n}@test.local", Email = $"user{n}@test.local", DisplayName = $"User {n}" };
        var created = await users.CreateAsync(user);
        if (!created.Succeeded) throw new InvalidOperationException(string.Join(" ", created.Errors.Select(e => e.Description)));
        foreach (var role in roles) await users.AddToRoleAsync(user, role);
        return new Actor(user.Id);
    }

    public Task<Actor> AdminAsync() => UserAsync(Roles.Admin);

    /// <summary>A model owned by a fresh Editor, with <paramref name="versions"/> READY versions in None.</summary>
    public async Task<(string Name, Actor Owner)> ModelWithVersionsAsync(int versions, string? name = null, Actor? owner = null)
    {
        owner ??= await UserAsync(Roles.Editor);
        name ??= $"model-{Guid.NewGuid():N}"[..14];
        await Models.CreateAsync(owner, name);
        for (var i = 0; i < versions; i++) await Versions.RegisterAsync(owner, new NewVersion(name, $"s3://bucket/{name}/{i + 1}"));
        return (name, owner);
    }

    /// <summary>Raw database access for assertions that look beneath the services.</summary>
    public async Task<T> QueryAsync<T>(Func<RegistryDbContext, Task<T>> query)
    {
        var factory = Services.GetRequiredService<IDbContextFactory<RegistryDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        return await query(db);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        if (postgresDatabase is not null) await Postgres!.DropAsync(postgresDatabase);
        else SqliteConnection.ClearAllPools();
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { /* a temp folder left behind is harmless */ }
    }
}
