using Microsoft.Extensions.Options;

namespace RegistryPortal.Storage.Migration;

/// <summary>
/// <c>artifacts migrate --to AzureBlob|S3|FileSystem</c>: copies every file of the store Artifacts:Store names now into
/// the store named by --to, configured by the same settings (Artifacts:Root, Artifacts:AzureBlob:*, Artifacts:S3:*),
/// with a progress bar; resumable and verified (<see cref="ArtifactMigration"/>). Exit codes: 0 done, 1 refused or
/// failed (the message says why), 2 a usage error.
/// </summary>
public static class ArtifactsCommand
{
    private const string Usage = """
        Usage: RegistryPortal artifacts migrate --to AzureBlob|S3|FileSystem [--journal FILE]
          Copies every file of the store that Artifacts:Store names now (FileSystem unless set) into the store --to names,
          set up by the same settings (Artifacts:AzureBlob:*, Artifacts:S3:*, Artifacts:Root), and checks each copy's
          size and SHA-256. Stop the portal first. Run it again to go on after a stop: the journal (default
          artifact-migration-to-<store>.jsonl in the current folder) records what is copied. Then set Artifacts:Store
          to the new store and start the portal.
        """;

    public static bool IsCommand(string[] args) => args is ["artifacts", ..];

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, bool interactive, CancellationToken ct = default)
    {
        var settings = args[1..].ToList();
        if (settings is not ["migrate", ..] || TakeOption(settings, "--to") is not { } toName)
            return Refuse(error, "'artifacts' needs: migrate --to AzureBlob|S3|FileSystem.");
        if (!Enum.TryParse<ArtifactStoreKind>(toName, ignoreCase: true, out var to) || !Enum.IsDefined(to) || char.IsAsciiDigit(toName[0]))
            return Refuse(error, $"--to is '{toName}': give AzureBlob, S3 or FileSystem.");
        var journalPath = TakeOption(settings, "--journal") ?? $"artifact-migration-to-{to.ToString().ToLowerInvariant()}.jsonl";
        settings.RemoveAt(0);

        try
        {
            var configuration = StartupSettings.CreateBuilder([.. settings]).Configuration;
            var from = Settings.Read(configuration, ArtifactOptions.Section, new ValidateArtifactOptions()).StoreKind!.Value;
            if (from == to)
            {
                error.WriteLine($"Artifacts:Store is already {to}: set it to the store to copy from (the one the portal uses now), and --to to the new one.");
                return 1;
            }
            await using var source = ArtifactStores.Open(configuration, from);
            await using var target = ArtifactStores.Open(configuration, to);
            await target.Store.CheckAsync(ct);
            await using var journal = await MigrationJournal.OpenAsync(journalPath, ct);

            output.WriteLine($"Copying every file from the {from} store to the {to} store (journal: {journal.Path}).");
            var result = await new ArtifactMigration(source.Store, target.Store, journal).RunAsync(new ProgressBar(output, interactive), ct);
            output.WriteLine($"Done: {result.FilesTotal:N0} files ({result.BytesTotal:N0} bytes) are in the {to} store, checked by size and SHA-256; " +
                $"{result.Copied:N0} copied now ({result.BytesCopied:N0} bytes), {result.AlreadyThere:N0} copied by an earlier run.");
            output.WriteLine($"Now set Artifacts:Store={to} and start the portal.");
            return 0;
        }
        catch (Exception e) when (e is InvalidSettingsException or MigrationException or Domain.RegistryError or InvalidOperationException)
        {
            error.WriteLine(e.Message);
            return 1;
        }
    }

    /// <summary>The value after <paramref name="option"/>, removed with it from <paramref name="args"/>; null when absent.</summary>
    private static string? TakeOption(List<string> args, string option)
    {
        var at = args.IndexOf(option);
        if (at < 0 || at + 1 >= args.Count || args[at + 1].StartsWith("--", StringComparison.Ordinal)) return null;
        var value = args[at + 1];
        args.RemoveRange(at, 2);
        return value;
    }

    private static int Refuse(TextWriter error, string message)
    {
        error.WriteLine(message);
        error.WriteLine(Usage);
        return 2;
    }
}
