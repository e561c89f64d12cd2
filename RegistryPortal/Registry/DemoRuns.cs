using System.Globalization;
using System.Text;
using RegistryPortal.Security;
using RegistryPortal.Storage;
using RegistryPortal.Tracking;

namespace RegistryPortal.Registry;

/// <summary>A column of a demo model's signature: its name, MLflow type, and whether it may be missing.</summary>
internal sealed record DemoColumn(string Name, string Type, bool Required = true);

/// <summary>
/// What one demo training run logs: params, metrics that rise or fall over <see cref="DemoRuns.Steps"/> steps towards
/// <see cref="Final"/>, tags, and a model folder of the given flavor with its signature, input example and requirements.
/// </summary>
internal sealed record DemoRun(
    string Name, string Flavor, string FlavorVersion, string ModelFile,
    IReadOnlyDictionary<string, string> Params, IReadOnlyDictionary<string, double> Final,
    string InputsJson, string OutputsJson, string InputExampleJson, IReadOnlyList<string> Requirements, string? ParamsJson = null)
{
    public bool IsTensor => InputsJson.Contains("\"tensor\"", StringComparison.Ordinal);
}

/// <summary>
/// Makes the demo's training runs through the real tracking services: each run in its experiment, with its metric
/// histories, tags and a small MLflow model folder (MLmodel, input example, requirements.txt, python_env.yaml, the model
/// file) among its artifacts at <see cref="ModelFolder"/>, from where "Register Model" (or the demo) registers it.
/// </summary>
internal sealed class DemoRuns(RunService runs, ArtifactStore store, Actor actor)
{
    public const string ModelFolder = "model";
    public const int Steps = 12;
    private const string PythonVersion = "3.11.9";
    private const string MlflowVersion = "2.16.2";

    /// <summary>Logs <paramref name="run"/> as finished <paramref name="daysAgo"/> days ago; returns its id.</summary>
    public async Task<string> LogAsync(int experimentId, DemoRun run, int daysAgo, IReadOnlyDictionary<string, string> tags)
    {
        var start = DateTimeOffset.UtcNow.AddDays(-daysAgo).ToUnixTimeMilliseconds();
        var id = (await runs.CreateAsync(actor, experimentId, run.Name, start, tags)).Info.Id;
        // Each metric climbs (or, for a loss, falls) quickly at first, then settles at its final value: a real curve.
        var history = run.Final.SelectMany(m => Enumerable.Range(0, Steps).Select(step =>
        {
            var distance = Math.Exp(-step / 3.0) * (m.Key.Contains("loss") ? 0.6 : -0.3);
            return new MetricValue(m.Key, Math.Round(m.Value + distance, 4), start + step * 60_000L, step);
        })).ToList();
        await runs.LogBatchAsync(actor, id, history, run.Params,
            new Dictionary<string, string> { ["mlflow.source.name"] = "train.py", ["mlflow.source.type"] = "LOCAL" });
        await SaveModelFolderAsync(id, run);
        await runs.UpdateAsync(actor, id, status: "FINISHED", endTime: start + Steps * 60_000L);
        return id;
    }

    private async Task SaveModelFolderAsync(string runId, DemoRun run)
    {
        var root = ArtifactStore.PathOf((await runs.GetAsync(actor, runId)).Info.ArtifactUri)!.TrimEnd('/') + "/" + ModelFolder;
        // A few kilobytes standing in for the pickled estimator or the network's weights.
        var weights = new byte[4096];
        new Random(runId.GetHashCode()).NextBytes(weights);
        var files = new Dictionary<string, byte[]>
        {
            [run.ModelFile] = weights,
            ["MLmodel"] = Encoding.UTF8.GetBytes(MlModel(runId, run, weights.Length)),
            ["input_example.json"] = Encoding.UTF8.GetBytes(run.InputExampleJson),
            ["requirements.txt"] = Encoding.UTF8.GetBytes(string.Join('\n', [$"mlflow=={MlflowVersion}", .. run.Requirements]) + "\n"),
            ["python_env.yaml"] = Encoding.UTF8.GetBytes(
                $"python: {PythonVersion}\nbuild_dependencies:\n- pip==24.0\n- setuptools\n- wheel\ndependencies:\n- -r requirements.txt\n"),
        };
        foreach (var (name, content) in files) await store.SaveAsync($"{root}/{name}", new MemoryStream(content), CancellationToken.None);
    }

    /// <summary>MLmodel as MLflow writes it: the signature's parts are JSON strings inside the YAML.</summary>
    private static string MlModel(string runId, DemoRun run, int size) => $"""
        artifact_path: {ModelFolder}
        flavors:
          python_function:
            env:
              conda: conda.yaml
              virtualenv: python_env.yaml
            loader_module: mlflow.{run.Flavor}
            model_path: {run.ModelFile}
            predict_fn: predict
            python_version: {PythonVersion}
          {run.Flavor}:
            code: null
            {run.Flavor}_version: {run.FlavorVersion}
            model_path: {run.ModelFile}
        mlflow_version: {MlflowVersion}
        model_size_bytes: {size.ToString(CultureInfo.InvariantCulture)}
        model_uuid: {Guid.NewGuid():N}
        run_id: {runId}
        saved_input_example_info:
          artifact_path: input_example.json
        {(run.IsTensor ? "  type: ndarray\n  format: tf-serving" : "  type: dataframe\n  pandas_orient: split")}
        signature:
          inputs: '{run.InputsJson}'
          outputs: '{run.OutputsJson}'
          params: {(run.ParamsJson is null ? "null" : $"'{run.ParamsJson}'")}
        utc_time_created: '{DateTime.UtcNow:yyyy-MM-dd HH:mm:ss.ffffff}'

        """;

    /// <summary>A column-based schema as MLflow writes it: <c>[{"type": "double", "name": "amount", "required": true}, …]</c>.</summary>
    public static string Columns(params DemoColumn[] columns) =>
        "[" + string.Join(", ", columns.Select(c => $$"""{"type": "{{c.Type}}", "name": "{{c.Name}}", "required": {{(c.Required ? "true" : "false")}}}""")) + "]";
}
