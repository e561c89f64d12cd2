using System.CommandLine;
using RegistryPortal.Cli.Output;

namespace RegistryPortal.Cli.Commands;

/// <summary>
/// `registry models download`: resolves a models:/ URI to one version (by number, stage, latest or alias, as MLflow's client does), then
/// copies every file of its folder in the portal's artifact store to --dest, streamed to disk.
/// </summary>
internal static class DownloadCommand
{
    private const string ProxyScheme = "mlflow-artifacts:/";

    public static Command Build(CliContext context)
    {
        var modelUri = new Option<ModelUri>("--model-uri")
        {
            Description = "models:/NAME/VERSION, models:/NAME/STAGE, models:/NAME/latest or models:/NAME@ALIAS",
            Required = true,
            CustomParser = result =>
            {
                var uri = ModelUri.Parse(result.Tokens[0].Value, out var error);
                if (error is not null) result.AddError(error);
                return uri;
            },
        };
        var dest = new Option<DirectoryInfo>("--dest") { Description = "The folder to write the files into (created when missing)", Required = true };
        var command = new Command("download", "Download a model version's files").With(modelUri, dest);
        command.SetAction(async (parse, ct) =>
        {
            var client = context.Client(parse, ct);
            var (model, version) = await ResolveAsync(client, parse.GetValue(modelUri)!);
            var artifactUri = Json.Text(await client.GetAsync("model-versions/get-download-uri", ("name", model), ("version", version)), "artifact_uri");
            if (!artifactUri.StartsWith(ProxyScheme, StringComparison.Ordinal))
                throw new CliException($"Version {version} of '{model}' keeps its files at {artifactUri}, outside the portal; fetch them from there");
            var root = artifactUri[ProxyScheme.Length..].Trim('/');
            var folder = parse.GetValue(dest)!;
            var destination = Path.GetFullPath(folder.FullName);
            var (files, bytes) = (0, 0L);
            foreach (var file in await FilesAsync(client, root, ""))
            {
                var target = Path.GetFullPath(Path.Combine(destination, file));
                // The listing comes from the server: never let a name like "../x" write outside --dest.
                if (!target.StartsWith(destination + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    throw new CliException($"The portal listed '{file}', which lies outside --dest; nothing more was written");
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                bytes += await client.DownloadAsync($"{root}/{file}", target);
                files++;
            }
            context.Out.WriteLine($"Downloaded version '{version}' of model '{model}' to {folder} ({Plural(files, "file")}, {Plural(bytes, "byte")}).");
            return 0;
        });
        return command;
    }

    public static string Plural(long count, string noun) => $"{count} {noun}{(count == 1 ? "" : "s")}";

    /// <summary>The model and version number a URI names: a stage or "latest" is the newest READY version there.</summary>
    private static async Task<(string Model, string Version)> ResolveAsync(RegistryClient client, ModelUri uri)
    {
        if (uri.Version is { } number) return (uri.Name, ModelCommands.Text(number));
        if (uri.Alias is { } alias)
        {
            var aliased = (await client.GetAsync("registered-models/alias", ("name", uri.Name), ("alias", alias)))["model_version"];
            return (Json.Text(aliased, "name"), Json.Text(aliased, "version"));
        }
        var latest = await client.PostAsync("registered-models/get-latest-versions",
            new { name = uri.Name, stages = uri.Stage is null ? Array.Empty<string>() : [uri.Stage] });
        var newest = Json.Objects(latest["model_versions"]).MaxBy(Json.Version)
            ?? throw new CliException(uri.Stage is { } stage
                ? $"Model '{uri.Name}' has no READY version in {stage}; run 'registry models list-versions --model-name {Shell.Quote(uri.Name)}'"
                : $"Model '{uri.Name}' has no READY version; register one with 'registry models register --model-name {Shell.Quote(uri.Name)}'");
        return (Json.Text(newest, "name"), Json.Text(newest, "version"));
    }

    /// <summary>Every file under an artifact folder, as paths relative to <paramref name="root"/>, folders walked depth first.</summary>
    private static async Task<List<string>> FilesAsync(RegistryClient client, string root, string relative)
    {
        var files = new List<string>();
        foreach (var (path, isDir) in await client.ListAsync(relative.Length == 0 ? root : $"{root}/{relative}"))
        {
            var inner = relative.Length == 0 ? path : $"{relative}/{path}";
            if (isDir) files.AddRange(await FilesAsync(client, root, inner));
            else files.Add(inner);
        }
        return files;
    }
}
