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

    public static Task<int> VersionWithFilesAsync(this TestRegistry registry, Actor owner, string model,
        IReadOnlyDictionary<string, byte[]> files, string? runId = null) =>
        registry.Services.VersionWithFilesAsync(owner, model, files, runId);

    /// <summary>The same in any app's services (the in-memory portal of the API tests).</summary>
    public static async Task<int> VersionWithFilesAsync(this IServiceProvider services, Actor owner, string model,
        IReadOnlyDictionary<string, byte[]> files, string? runId = null)
    {
        var models = services.GetRequiredService<ModelService>();
        if ((await models.ListAsync(owner, new ModelQuery(model))).Items.All(m => m.Name != model)) await models.CreateAsync(owner, model);
        var folder = await RegistryFolderAsync(services, files.ToDictionary(f => f.Key, f => (Func<Stream, Task>)(s => s.WriteAsync(f.Value).AsTask())));
        var source = ModelFileStore.RegistryUriPrefix + Path.GetFileName(folder);
        return (await services.GetRequiredService<ModelRegistration>().RegisterAsync(owner, new NewVersion(model, source, RunId: runId))).Version;
    }

    /// <summary>A new folder under the registry's own (registry/&lt;id&gt;) with each file written by its writer.</summary>
    public static async Task<string> RegistryFolderAsync(IServiceProvider services, IReadOnlyDictionary<string, Func<Stream, Task>> files)
    {
        var store = services.GetRequiredService<ArtifactStore>();
        var folder = Path.Combine(store.Root, StorageLayout.RegistryFolderName, ArtifactStore.NewRegistryId());
        Directory.CreateDirectory(folder);
        foreach (var (path, write) in files)
        {
            var file = Path.Combine(folder, path);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await using var stream = File.Create(file);
            await write(stream);
        }
        return folder;
    }
}
