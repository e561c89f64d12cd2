using System.CommandLine;
using System.Text.Json.Nodes;
using RegistryPortal.Cli.Output;

namespace RegistryPortal.Cli.Commands;

/// <summary>
/// `registry models register`: a new version from a URI (--source), or from a local folder (--path), whose
/// files are uploaded the way MLflow's client logs a model: into a run of the "registry-cli" experiment
/// through the artifact proxy, then registered from the run, so the version links back to where it came from.
/// </summary>
internal static class RegisterCommand
{
    public const string ExperimentName = "registry-cli";
    private const string ProxyScheme = "mlflow-artifacts:/";

    public static Command Build(CliContext context)
    {
        var name = Options.ModelName();
        var source = new Option<string>("--source") { Description = "The URI of the model files (runs:/…, mlflow-artifacts:/…, s3://…)" };
        var path = new Option<DirectoryInfo>("--path") { Description = "A local folder to upload as the version's files" }.AcceptExistingOnly();
        var description = new Option<string>("--description") { Description = "A markdown description of the version" };
        var wait = new Option<int>("--wait-seconds") { Description = "How long to wait for the portal to copy the files (default 300)", DefaultValueFactory = _ => 300 };
        var command = new Command("register", "Register a new version of a model from --source URI or --path DIR").With(name, source, path, description, wait);
        command.Validators.Add(result =>
        {
            if ((result.GetResult(source) is null) == (result.GetResult(path) is null))
                result.AddError("Give either --source URI or --path DIR, not both or neither.");
        });
        command.SetAction(async (parse, ct) =>
        {
            var model = parse.GetValue(name)!;
            var client = context.Client(parse, ct);
            await ModelCommands.RequireModelAsync(client, model); // before any upload
            var (uri, runId) = (parse.GetValue(source), (string?)null);
            if (parse.GetValue(path) is { } folder)
            {
                (uri, runId, var files, var bytes) = await UploadAsync(client, model, folder);
                context.Out.WriteLine($"Uploaded {DownloadCommand.Plural(files, "file")} ({DownloadCommand.Plural(bytes, "byte")}) to {uri}.");
            }
            var created = (await client.PostAsync("model-versions/create",
                new { name = model, source = uri, run_id = runId, description = parse.GetValue(description) }))["model_version"]!;
            var version = await WaitAsync(client, created, TimeSpan.FromSeconds(parse.GetValue(wait)), ct);
            var (number, status) = (Json.Text(version, "version"), Json.Text(version, "status"));
            if (status == "FAILED_REGISTRATION")
                throw new CliException($"Version {number} of '{model}' failed to register: {Json.Text(version, "status_message")}");
            context.Out.WriteLine($"Created version '{number}' of model '{Json.Text(version, "name")}' ({status}).");
            return 0;
        });
        return command;
    }

    private static async Task<(string Source, string RunId, int Files, long Bytes)> UploadAsync(
        RegistryClient client, string model, DirectoryInfo folder)
    {
        var files = folder.EnumerateFiles("*", SearchOption.AllDirectories).OrderBy(f => f.FullName, StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw CliException.UsageError($"The folder '{folder}' has no files to register.");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var run = (await client.PostAsync("runs/create", new
        {
            experiment_id = await ExperimentIdAsync(client), run_name = $"register {model}", start_time = now,
            tags = new[] { new { key = "mlflow.source.name", value = "registry models register" } },
        }))["run"]?["info"];
        var (runId, artifactUri) = (Json.Text(run, "run_id"), Json.Text(run, "artifact_uri"));
        if (!artifactUri.StartsWith(ProxyScheme, StringComparison.Ordinal))
            throw new CliException($"The portal keeps run artifacts at {artifactUri}, not behind its artifact proxy; upload the files there and register them with --source");
        var root = artifactUri[ProxyScheme.Length..].Trim('/') + "/model";
        foreach (var file in files)
            await client.UploadAsync($"{root}/{Path.GetRelativePath(folder.FullName, file.FullName).Replace('\\', '/')}", file.FullName);
        await client.PostAsync("runs/update", new { run_id = runId, status = "FINISHED", end_time = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() });
        return ($"{artifactUri}/model", runId, files.Count, files.Sum(f => f.Length));
    }

    private static async Task<string> ExperimentIdAsync(RegistryClient client)
    {
        try
        {
            return Json.Text((await client.GetAsync("experiments/get-by-name", ("experiment_name", ExperimentName)))["experiment"], "experiment_id");
        }
        catch (ApiError e) when (e.Status == 404)
        {
            try
            {
                return Json.Text(await client.PostAsync("experiments/create", new { name = ExperimentName }), "experiment_id");
            }
            catch (ApiError again) when (again.Code == "RESOURCE_ALREADY_EXISTS")
            {
                // Another job created it in the meantime.
                return Json.Text((await client.GetAsync("experiments/get-by-name", ("experiment_name", ExperimentName)))["experiment"], "experiment_id");
            }
        }
    }

    /// <summary>The portal copies files from its artifact store in the background (PENDING_REGISTRATION); wait like MLflow's client does.</summary>
    private static async Task<JsonNode> WaitAsync(RegistryClient client, JsonNode version, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Json.Text(version, "status") == "PENDING_REGISTRATION" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
            version = (await client.GetAsync("model-versions/get", ("name", Json.Text(version, "name")), ("version", Json.Text(version, "version"))))["model_version"]!;
        }
        return version;
    }
}
