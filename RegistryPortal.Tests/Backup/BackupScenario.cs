using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using RegistryPortal.Storage;
using RegistryPortal.Tests.TestSupport;
using RegistryPortal.Tracking;

namespace RegistryPortal.Tests.Backup;

/// <summary>What <see cref="BackupScenario.BuildAsync"/> made that a test checks again after a restore.</summary>
public sealed record BackupScenario(
    string ModelName, string UserId, string UserEmail, string UserPassword, string TokenSecret,
    string UploadedVersionUri, byte[] Weights)
{
    public const string Password = "Backup-Passw0rd!";

    /// <summary>
    /// A registry with a bit of everything, made through the services: users with roles and passwords, a per-model grant,
    /// an access token, a model with tags, an alias and versions in several stages (uploaded files, a copy of a run's
    /// model folder, a logged model's files), a pending and an approved transition request, a run with params, metrics
    /// and artifacts, a logged model, and a deleted model whose activity stays.
    /// </summary>
    public static async Task<BackupScenario> BuildAsync(TestRegistry registry)
    {
        var admin = await registry.FirstAdminAsync();
        var owner = await CreateUserAsync(registry, admin, "owner@backup.test", Roles.Editor);
        var reviewer = await CreateUserAsync(registry, admin, "reviewer@backup.test", Roles.Reader);
        var token = await registry.Tokens.CreateAsync(owner, "CI pipeline", DateTime.UtcNow.AddDays(30));

        const string name = "fraud-detector";
        await registry.Models.CreateAsync(owner, name, "Flags **fraud**.");
        await registry.Models.SetTagAsync(owner, name, "team", "risk");
        await registry.Permissions.GrantAsync(owner, name, reviewer.UserId, PermissionLevel.ManageStagingVersions);

        var weights = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray();
        var uploaded = await UploadVersionAsync(registry, owner, name, weights);
        var runId = await registry.RunWithModelAsync(owner);
        await registry.Runs().LogBatchAsync(owner, runId, [new MetricValue("auc", 0.91, 1000, 0)], new Dictionary<string, string> { ["lr"] = "0.1" });
        var registration = registry.Services.GetRequiredService<ModelRegistration>();
        await registration.RegisterAsync(owner, new NewVersion(name, $"runs:/{runId}/model"));
        await registry.SaveArtifactAsync(owner, runId, "metrics/confusion.csv", "tp,fp\n9,1\n"u8.ToArray());
        await registration.RegisterAsync(owner, new NewVersion(name, $"models:/{(await LoggedModelAsync(registry, owner, runId)).Id}"));

        await registry.Versions.SetTagAsync(owner, name, 1, "validated", "yes");
        await registry.Versions.UpdateDescriptionAsync(owner, name, 2, "Retrained on November's data.");
        await registry.Aliases.SetAsync(owner, name, "champion", 1);
        await registry.Stages.TransitionAsync(owner, name, 1, "Production");
        var request = await registry.Requests.CreateAsync(reviewer, name, 2, "Staging", comment: "passed validation");
        await registry.Requests.ApproveAsync(owner, request.Id, "ok");
        await registry.Requests.CreateAsync(reviewer, name, 3, "Production", comment: "better recall");

        var (gone, goneOwner) = await registry.ModelWithVersionsAsync(1);
        await registry.Models.DeleteAsync(goneOwner, gone);
        await registry.UserAdmin.LockAsync(admin, (await CreateUserAsync(registry, admin, "left@backup.test", Roles.Manager)).UserId);

        return new BackupScenario(name, owner.UserId, "owner@backup.test", Password, token.Secret, uploaded, weights);
    }

    private static async Task<Actor> CreateUserAsync(TestRegistry registry, Actor admin, string email, string role) =>
        new((await registry.UserAdmin.CreateAsync(admin, new NewUser(email, email.Split('@')[0], [role], Password))).User.Id);

    /// <summary>Registers a version from files uploaded as the browser does; returns where the registry keeps them.</summary>
    public static async Task<string> UploadVersionAsync(TestRegistry registry, Actor owner, string model, byte[] weights)
    {
        var files = registry.Services.GetRequiredService<ModelFileStore>();
        var upload = Guid.NewGuid();
        await files.SaveUploadAsync(owner.UserId, upload, "MLmodel", new MemoryStream("flavors: {}\n"u8.ToArray()), default);
        await files.SaveUploadAsync(owner.UserId, upload, "data/model.pkl", new MemoryStream(weights), default);
        var version = await registry.Services.GetRequiredService<UploadRegistration>().RegisterAsync(owner, model, upload);
        return version.DownloadUri;
    }

    private static async Task<LoggedModel> LoggedModelAsync(TestRegistry registry, Actor owner, string runId)
    {
        var models = registry.Services.GetRequiredService<LoggedModelService>();
        var experiment = (await registry.Runs().GetAsync(owner, runId)).Info.ExperimentId;
        var model = (await models.CreateAsync(owner, new NewLoggedModel(experiment, "clf", runId, Params: new Dictionary<string, string> { ["depth"] = "6" }))).Info;
        var folder = ArtifactStore.PathOf(model.ArtifactUri)!;
        var store = registry.Services.GetRequiredService<ArtifactStore>();
        await store.SaveAsync($"{folder}/MLmodel", new MemoryStream("flavors: {sklearn: {}}\n"u8.ToArray()), default);
        await store.SaveAsync($"{folder}/model.pkl", new MemoryStream([4, 5, 6]), default);
        return (await models.FinalizeAsync(owner, model.Id, LoggedModelStatuses.Ready)).Info;
    }
}

/// <summary>Everything a registry holds, read beneath the services, for comparing two registries exactly.</summary>
public static class RegistryContents
{
    /// <summary>Every row of every table as text, in a fixed order (rowids are not kept by a backup; the rows are).</summary>
    public static async Task<SortedDictionary<string, List<string>>> RowsAsync(string database)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        var contents = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await select.ExecuteReaderAsync();
            var rows = new List<string>();
            while (await reader.ReadAsync())
            {
                rows.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetName(i) + "=" + reader.GetValue(i) switch
                {
                    byte[] blob => Convert.ToHexString(blob),
                    DBNull => "NULL",
                    var value => value.ToString(),
                })));
            }
            rows.Sort(StringComparer.Ordinal);
            contents[table] = rows;
        }
        return contents;
    }

    /// <summary>Every file under the artifact root (its path → the SHA-256 of its bytes), and every folder, skipping browsers' staging.</summary>
    public static (SortedDictionary<string, string> Files, SortedSet<string> Folders) FilesOf(string root)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var folders = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, path).Replace('\\', '/');
            if (relative == "uploads" || relative.StartsWith("uploads/", StringComparison.Ordinal)) continue;
            if (Directory.Exists(path)) folders.Add(relative);
            else files[relative] = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));
        }
        return (files, folders);
    }
}
