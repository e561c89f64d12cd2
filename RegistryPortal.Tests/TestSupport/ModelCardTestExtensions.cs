using System.Text;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Registry;
using RegistryPortal.Registry.ModelCard;
using RegistryPortal.Security;
using RegistryPortal.Storage;
using RegistryPortal.Tracking;

namespace RegistryPortal.Tests.TestSupport;

/// <summary>Versions with model files of a test's choosing, registered as the portal registers an upload it holds.</summary>
public static class ModelCardTestExtensions
{
    public static ModelCardService Cards(this TestRegistry registry) => registry.Services.GetRequiredService<ModelCardService>();

    public static VersionFiles VersionFiles(this TestRegistry registry) => registry.Services.GetRequiredService<VersionFiles>();

    /// <summary>A column-based MLmodel with the given inputs (JSON) and an input example file, as MLflow writes one.</summary>
    public static string MlModelWithColumns(string inputs, string? exampleFile = "input_example.json") => $$"""
        flavors:
          python_function:
            loader_module: mlflow.sklearn
            python_version: 3.11.9
          sklearn:
            sklearn_version: 1.5.1
        {{(exampleFile is null ? "" : $"saved_input_example_info:\n  artifact_path: {exampleFile}\n  type: dataframe\n  pandas_orient: split")}}
        signature:
          inputs: '{{inputs}}'
          outputs: '[{"type": "double", "name": "score", "required": true}]'
          params: null

        """;

    /// <summary>
    /// Registers the next version of <paramref name="model"/> (made when missing, owned by <paramref name="owner"/>) over
    /// the files given (path → text), written into the registry's own folder first.
    /// </summary>
    public static async Task<int> VersionWithFilesAsync(this TestRegistry registry, Actor owner, string model,
        IReadOnlyDictionary<string, string> files, string? runId = null) =>
        await registry.VersionWithFilesAsync(owner, model, files.ToDictionary(f => f.Key, f => Encoding.UTF8.GetBytes(f.Value)), runId);

    public static async Task<int> VersionWithFilesAsync(this TestRegistry registry, Actor owner, string model,
        IReadOnlyDictionary<string, byte[]> files, string? runId = null)
    {
        if ((await registry.Models.ListAsync(owner, new ModelQuery(model))).Items.All(m => m.Name != model)) await registry.Models.CreateAsync(owner, model);
        var store = registry.Services.GetRequiredService<ArtifactStore>();
        var folder = Path.Combine(store.Root, StorageLayout.RegistryFolderName, ArtifactStore.NewRegistryId());
        Directory.CreateDirectory(folder);
        foreach (var (path, content) in files)
        {
            var file = Path.Combine(folder, path);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllBytesAsync(file, content);
        }
        var source = ModelFileStore.RegistryUriPrefix + Path.GetFileName(folder);
        return (await registry.Services.GetRequiredService<ModelRegistration>().RegisterAsync(owner, new NewVersion(model, source, RunId: runId))).Version;
    }
}
