using RegistryPortal.Domain;
using RegistryPortal.Security;
using RegistryPortal.Tracking;

namespace RegistryPortal.Registry.ModelCard;

/// <summary>
/// What a version is, read from its registry copy of MLmodel and a few small files beside it: flavors, signature, input
/// example, requirements, the size of its files and its run's latest metrics. Each part that could not be read says why
/// in words (no MLmodel, malformed YAML, an example too large) rather than failing the card.
/// </summary>
public sealed record ModelCard(
    VersionView Version,
    /// <summary>Where the files are when the portal does not hold them (an s3:// source, a copy still running), else null.</summary>
    string? StoredOutside,
    MlModel? MlModel,
    /// <summary>Why <see cref="MlModel"/> is null: no MLmodel file, too large, or not valid YAML.</summary>
    string? MlModelProblem,
    InputExample? InputExample,
    SmallFile? Requirements,
    SmallFile? PythonEnv,
    long TotalSize, int FileCount,
    /// <summary>The latest value of each of the source run's metrics (none without a run the caller may see).</summary>
    IReadOnlyList<RunMetric> Metrics,
    IReadOnlyList<UsageSnippet> Snippets)
{
    /// <summary>requirements.txt's lines, without comments and blanks.</summary>
    public IReadOnlyList<string> RequirementLines => Requirements?.Text is { } text ? RequirementsFile.Lines(text) : [];
}

public sealed class ModelCardService(VersionFiles files, RunService runs)
{
    public const string RequirementsFileName = "requirements.txt";
    public const string PythonEnvFileName = "python_env.yaml";

    public async Task<ModelCard> CardAsync(Actor actor, string modelName, int number, CancellationToken ct = default)
    {
        var folder = await files.FolderAsync(actor, modelName, number, ct);
        var version = folder.Version;
        var metrics = await MetricsAsync(actor, version.RunId, ct);
        if (folder.Folder is null)
            return new ModelCard(version, version.DownloadUri, null, null, null, null, null, 0, 0, metrics, UsageSnippets.For(version, null));

        var tree = await files.TreeAsync(folder, ct);
        var mlModelFile = await files.ReadSmallAsync(folder, MlModelFile.Name, ct);
        var (mlModel, problem) = mlModelFile switch
        {
            null => (null, $"This version has no {MlModelFile.Name} file, so the portal cannot tell its flavors or signature."),
            { Problem: { } tooLarge } => (null, tooLarge),
            _ => MlModelFile.Parse(mlModelFile.Text!),
        };
        var example = mlModel?.InputExampleFile is { } exampleFile
            ? InputExample.From(exampleFile, await files.ReadSmallAsync(folder, exampleFile, ct),
                mlModel.ServingInputFile is { } serving ? await files.ReadSmallAsync(folder, serving, ct) : null)
            : null;
        return new ModelCard(version, null, mlModel, problem, example,
            await files.ReadSmallAsync(folder, RequirementsFileName, ct), await files.ReadSmallAsync(folder, PythonEnvFileName, ct),
            tree.TotalSize, tree.Files.Count(), metrics, UsageSnippets.For(version, example?.ServingPayload));
    }

    /// <summary>The source run's latest metrics; none when there is no run, or the caller may not see runs.</summary>
    private async Task<IReadOnlyList<RunMetric>> MetricsAsync(Actor actor, string runId, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(runId)) return [];
        try
        {
            return (await runs.GetAsync(actor, runId, ct)).LatestMetrics;
        }
        catch (RegistryError)
        {
            return []; // a run outside the portal, deleted, or hidden from the caller: the card goes without
        }
    }
}
