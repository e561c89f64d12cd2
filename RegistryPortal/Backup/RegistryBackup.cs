using System.Reflection;
using Microsoft.EntityFrameworkCore;
using RegistryPortal.Data;
using RegistryPortal.Storage;

namespace RegistryPortal.Backup;

/// <summary>Where a registry keeps its data, from the same settings the portal reads.</summary>
public sealed record DataLocations(DatabaseProvider Provider, string DatabaseFile, string ArtifactsRoot,
    ArtifactStoreKind Store = ArtifactStoreKind.FileSystem)
{
    /// <summary>Whether the artifacts are a folder the backup copies (not a container or bucket the provider's tools copy).</summary>
    public bool ArtifactsInFolder => Store == ArtifactStoreKind.FileSystem;

    public string DataFolder => Path.GetDirectoryName(DatabaseFile)!;

    /// <summary>The locations the settings name, checked as the portal checks them at start.</summary>
    public static DataLocations From(IConfiguration configuration)
    {
        var database = Settings.Read(configuration, DatabaseOptions.Section, new ValidateDatabaseOptions());
        var artifacts = Settings.Read(configuration, ArtifactOptions.Section, new ValidateArtifactOptions());
        var provider = database.Kind!.Value;
        var store = artifacts.StoreKind!.Value;
        return new DataLocations(provider, provider == DatabaseProvider.Sqlite ? database.SqliteFile : "",
            store == ArtifactStoreKind.FileSystem ? artifacts.FullRoot : "", store);
    }
}

/// <summary>
/// Online backup of a SQLite registry, and restore into an empty data folder.
/// <para>
/// Consistency: the database is snapshotted first, the artifact folder copied after. Nothing the portal writes is ever
/// changed or removed once a row refers to it: a version's files are a folder under <c>registry/</c> that appears by one
/// rename and stays after the version is deleted (only a refused registration removes its folder, which no committed
/// row names), and run artifacts are replaced only whole, by rename. So every file the snapshot refers to is still there
/// when the copy reaches it; files that arrive meanwhile are copied too and harm nothing. The backup still checks that
/// every READY version's folder made it, and says which did not. (Deleting a version removes its files after the commit:
/// one deleted during a backup may miss its files in the backup, and is named among them.)
/// </para>
/// <para>
/// With artifacts in object storage (Artifacts:Store AzureBlob or S3) backup and restore handle the database only:
/// the container or bucket is copied with the provider's tools (<see cref="ObjectStoreNote"/>).
/// </para>
/// <para>
/// Data Protection's keys (sign-in cookies, antiforgery) live in the database, so the snapshot carries them: cookies and
/// forms issued before the backup stay valid after a restore.
/// </para>
/// </summary>
public sealed class RegistryBackup(DataLocations locations, TimeProvider clock)
{
    public RegistryBackup(IConfiguration configuration) : this(DataLocations.From(configuration), TimeProvider.System) { }

    public DataLocations Locations => locations;

    /// <summary>Writes a backup into <paramref name="folder"/> (new or empty) while the portal may keep serving.</summary>
    /// <returns>The manifest, and the READY versions whose files the artifact folder itself lacked (empty when all is well).</returns>
    public async Task<(BackupManifest Manifest, IReadOnlyList<string> MissingFiles)> BackUpAsync(string folder, CancellationToken ct = default)
    {
        RequireSqlite();
        folder = Path.GetFullPath(folder);
        if (!File.Exists(locations.DatabaseFile))
            throw new BackupException($"There is no registry database at '{locations.DatabaseFile}'. Check Database:DataFolder (or Database:ConnectionString).");
        if (locations.ArtifactsInFolder && IsInside(folder, locations.ArtifactsRoot))
            throw new BackupException($"'{folder}' lies inside the artifact folder '{locations.ArtifactsRoot}', which the backup copies. Choose a folder elsewhere.");
        if (FirstFileIn(folder) is { } existing)
            throw new BackupException($"'{folder}' is not empty (it holds '{existing}'). Back up into a new or empty folder, so no older backup gets mixed in.");

        Directory.CreateDirectory(folder);
        try
        {
            var database = Path.Combine(folder, BackupManifest.DatabaseName);
            await SqliteSnapshot.TakeAsync(locations.DatabaseFile, database, ct);
            var artifacts = Path.Combine(folder, BackupManifest.ArtifactsFolder);
            var (folders, files) = locations.ArtifactsInFolder ? await ArtifactCopy.BackUpAsync(locations.ArtifactsRoot, artifacts, ct) : ([], []);
            var missing = !locations.ArtifactsInFolder ? [] : (await SqliteSnapshot.ReadyVersionFoldersAsync(database, ct))
                .Where(v => !Directory.Exists(Path.Combine(artifacts, v.Folder)))
                .Select(v => $"{v.Version} ({v.Folder})").ToList();
            var (databaseBytes, databaseHash) = await HashAsync(database, ct);
            var manifest = new BackupManifest(
                BackupManifest.CurrentFormat, clock.GetUtcNow().UtcDateTime, AppVersion(),
                await SqliteSnapshot.LastMigrationAsync(database, ct), BackupManifest.DatabaseName, databaseBytes, databaseHash,
                await SqliteSnapshot.RowCountsAsync(database, ct), folders, files);
            await manifest.WriteAsync(folder, ct);
            return (manifest, missing);
        }
        catch
        {
            EmptyFolder(folder); // it was empty: a failed backup leaves nothing that looks like one
            throw;
        }
    }

    /// <summary>
    /// Restores the backup in <paramref name="folder"/> into this registry's data folder and artifact folder, which must
    /// hold no files. Checks the backup is complete first; writes the database last, and removes everything it wrote when
    /// anything fails.
    /// </summary>
    public async Task<BackupManifest> RestoreAsync(string folder, CancellationToken ct = default)
    {
        RequireSqlite();
        folder = Path.GetFullPath(folder);
        var manifest = await BackupManifest.ReadAsync(folder, ct);
        var backupDatabase = Path.Combine(folder, BackupManifest.DatabaseName);
        var backupArtifacts = Path.Combine(folder, BackupManifest.ArtifactsFolder);
        if (!File.Exists(backupDatabase))
            throw new BackupException($"The backup is incomplete: '{backupDatabase}' is missing. Copy the whole backup folder again.");
        var (databaseBytes, databaseHash) = await HashAsync(backupDatabase, ct);
        if (databaseBytes != manifest.DatabaseBytes || databaseHash != manifest.DatabaseSha256)
            throw new BackupException($"The backup is damaged: '{backupDatabase}' differs from what its manifest recorded.");
        ArtifactCopy.CheckComplete(backupArtifacts, manifest);
        RequireKnownMigration(manifest);
        foreach (var target in locations.ArtifactsInFolder ? [locations.DataFolder, locations.ArtifactsRoot] : new[] { locations.DataFolder })
        {
            if (FirstFileIn(target) is { } existing)
                throw new BackupException($"'{target}' is not empty (it holds '{existing}'). Restore only into an empty data folder: move it aside, or point Database:DataFolder and Artifacts:Root at new folders.");
        }

        try
        {
            if (locations.ArtifactsInFolder) await ArtifactCopy.RestoreAsync(backupArtifacts, manifest, locations.ArtifactsRoot, ct);
            Directory.CreateDirectory(locations.DataFolder);
            var restoring = locations.DatabaseFile + ".restoring";
            await ArtifactCopy.CopyHashedAsync(backupDatabase, restoring, ct);
            await SqliteSnapshot.CheckIntegrityAsync(restoring, ct);
            var rows = await SqliteSnapshot.RowCountsAsync(restoring, ct);
            if (!rows.SequenceEqual(manifest.Rows.OrderBy(r => r.Key, StringComparer.Ordinal)))
                throw new BackupException("The backup's database does not hold the rows its manifest counted: the backup is damaged.");
            File.Move(restoring, locations.DatabaseFile);
            return manifest;
        }
        catch
        {
            // Both folders held no files before: everything in them now is this restore's.
            if (locations.ArtifactsInFolder) EmptyFolder(locations.ArtifactsRoot);
            EmptyFolder(locations.DataFolder);
            throw;
        }
    }

    /// <summary>What to run instead on PostgreSQL, where the database server makes the backup.</summary>
    public string PostgresFlow() => $"""
        Database:Provider is Postgres: the database is backed up by PostgreSQL's own tools, then the artifact folder is copied.
        Back up (in this order, while the portal runs):
          pg_dump --format=custom --file=BACKUP/registry.dump "postgresql://USER@HOST/DATABASE"
          cp -a '{locations.ArtifactsRoot}' BACKUP/artifacts
        Restore (portal stopped, into an empty database and an empty artifact folder):
          createdb --owner=USER DATABASE
          pg_restore --no-owner --role=USER --dbname="postgresql://USER@HOST/DATABASE" BACKUP/registry.dump
          cp -a BACKUP/artifacts/. '{locations.ArtifactsRoot}'
        """;

    /// <summary>What a backup or restore leaves to the user when the artifacts are in object storage; null when they are in a folder.</summary>
    public string? ObjectStoreNote() => locations.Store switch
    {
        ArtifactStoreKind.FileSystem => null,
        ArtifactStoreKind.AzureBlob => "Artifacts:Store is AzureBlob: only the database is backed up and restored here. Copy the container's artifacts with Azure's tools, e.g. azcopy copy 'https://ACCOUNT.blob.core.windows.net/CONTAINER/PREFIX' BACKUP --recursive (after the database when backing up).",
        _ => "Artifacts:Store is S3: only the database is backed up and restored here. Copy the bucket's artifacts with S3's tools, e.g. aws s3 sync s3://BUCKET/PREFIX BACKUP/artifacts (after the database when backing up).",
    };

    private void RequireSqlite()
    {
        if (locations.Provider != DatabaseProvider.Sqlite) throw new BackupException(PostgresFlow());
    }

    /// <summary>Refuses a backup taken by a newer portal: its database has migrations this build does not know.</summary>
    private static void RequireKnownMigration(BackupManifest manifest)
    {
        using var db = SqliteSnapshot.Context(":memory:");
        var known = db.Database.GetMigrations().ToList();
        if (!known.Contains(manifest.Migration))
            throw new BackupException($"The backup was taken by a newer RegistryPortal ({manifest.AppVersion}, migration {manifest.Migration}); this one knows migrations up to {known.LastOrDefault()}. Restore it with that version or a later one.");
    }

    private static string AppVersion() =>
        typeof(RegistryBackup).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private static async Task<(long, string)> HashAsync(string file, CancellationToken ct)
    {
        await using var stream = File.OpenRead(file);
        var hash = await System.Security.Cryptography.SHA256.HashDataAsync(stream, ct);
        return (stream.Length, Convert.ToHexStringLower(hash));
    }

    /// <summary>The first file anywhere under <paramref name="folder"/> (empty subfolders do not count), or null.</summary>
    internal static string? FirstFileIn(string folder) =>
        Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).FirstOrDefault() : null;

    private static bool IsInside(string path, string folder) =>
        (Path.TrimEndingDirectorySeparator(path) + Path.DirectorySeparatorChar).StartsWith(
            Path.TrimEndingDirectorySeparator(folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static void EmptyFolder(string folder)
    {
        if (!Directory.Exists(folder)) return;
        foreach (var file in Directory.GetFiles(folder)) File.Delete(file);
        foreach (var sub in Directory.GetDirectories(folder)) Directory.Delete(sub, recursive: true);
    }
}
