using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Storage;
using RegistryPortal.Tests.Api;
using RegistryPortal.Tests.TestSupport;
using RegistryPortal.Tracking;

namespace RegistryPortal.Tests.Cli;

/// <summary>`registry models register` (from a URI or an uploaded folder) and `registry models download` against the real app.</summary>
public sealed class RegisterAndDownloadTests(ApiApp app) : IClassFixture<ApiApp>, IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("registry-cli-").FullName;

    private static readonly string[] ModelFiles = ["MLmodel", "model.pkl", "conda.yaml", "metadata/MLmodel", "metadata/deep/requirements.txt"];

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    /// <summary>A local model folder: each file different, some in sub-folders, one larger than a buffer.</summary>
    private Dictionary<string, byte[]> ModelFolder(string folder)
    {
        var contents = ModelFiles.ToDictionary(f => f, f => Enumerable.Range(0, f == "model.pkl" ? 300_000 : 100 + f.Length).Select(i => (byte)(i * 31 + f.Length)).ToArray());
        foreach (var (file, bytes) in contents)
        {
            var path = Path.Combine(folder, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, bytes);
        }
        return contents;
    }

    private static Dictionary<string, byte[]> ReadFolder(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f).Replace('\\', '/'), File.ReadAllBytes);

    [Fact]
    public async Task Register_from_a_source_uri_creates_a_READY_version()
    {
        var owner = await app.CliUserAsync(Roles.Editor);
        var model = await app.ModelAsync(owner, Stage.None);

        var result = await app.RunAsync(owner, "models", "register", "--model-name", model, "--source", "s3://bucket/model-7", "--description", "from CI");

        result.Succeeded($"Created version '2' of model '{model}' (READY).");
        var version = await app.Service<VersionService>().GetAsync(owner.Actor, model, 2);
        Assert.Equal(("s3://bucket/model-7", "from CI"), (version.Source, version.Description));
    }

    [Fact]
    public async Task Register_from_a_folder_uploads_every_file_into_a_run_and_registers_it()
    {
        var owner = await app.CliUserAsync(Roles.Editor);
        var model = await app.ModelAsync(owner);
        var folder = Path.Combine(scratch, "model");
        var contents = ModelFolder(folder);

        var result = await app.RunAsync(owner, "models", "register", "--model-name", model, "--path", folder);

        var version = await app.Service<VersionService>().GetAsync(owner.Actor, model, 1);
        var run = await app.Service<RunService>().GetAsync(owner.Actor, version.RunId);
        var bytes = contents.Values.Sum(b => (long)b.Length);
        result.Succeeded($"Uploaded 5 files ({bytes} bytes) to {run.Info.ArtifactUri}/model.", $"Created version '1' of model '{model}' (READY).");
        Assert.Equal(($"{run.Info.ArtifactUri}/model", "FINISHED"), (version.Source, run.Info.Status));
        // Every file reached the portal, byte for byte: the run's folder, and the registry's own copy behind the download URI.
        var store = app.Service<ArtifactStore>();
        foreach (var uri in new[] { version.Source, version.DownloadUri })
        {
            var root = ArtifactStore.PathOf(uri)!;
            Assert.All(contents, file => Assert.Equal(file.Value, File.ReadAllBytes(store.FileOrNull($"{root}/{file.Key}") ?? throw new Xunit.Sdk.XunitException($"{file.Key} missing under {uri}"))));
        }
    }

    [Fact]
    public async Task A_second_folder_registration_reuses_the_cli_experiment()
    {
        var owner = await app.CliUserAsync(Roles.Editor);
        var model = await app.ModelAsync(owner);
        var folder = Path.Combine(scratch, "again");
        ModelFolder(folder);

        var runs = new List<string>();
        for (var i = 1; i <= 2; i++)
        {
            Assert.Equal(0, (await app.RunAsync(owner, "models", "register", "--model-name", model, "--path", folder)).ExitCode);
            runs.Add((await app.Service<VersionService>().GetAsync(owner.Actor, model, i)).RunId);
        }

        var experiments = await Task.WhenAll(runs.Select(async r => (await app.Service<RunService>().GetAsync(owner.Actor, r)).Info.ExperimentId));
        Assert.Equal(experiments[0], experiments[1]);
        Assert.NotEqual(runs[0], runs[1]);
    }

    [Fact]
    public async Task Register_into_a_model_that_does_not_exist_uploads_nothing_and_names_create()
    {
        var owner = await app.CliUserAsync(Roles.Editor);
        var folder = Path.Combine(scratch, "orphan");
        ModelFolder(folder);

        var result = await app.RunAsync(owner, "models", "register", "--model-name", "missing-model", "--path", folder);

        result.Failed(1, "Model 'missing-model' does not exist; run 'registry models list' to see the models, or 'registry models create --name missing-model'");
        // Nothing was uploaded: the user has no run (an upload goes into a new run of the registry-cli experiment).
        var experiments = await app.Service<ExperimentService>().SearchAsync(owner.Actor, new SearchQuery(MaxResults: 1000));
        var runs = await app.Service<RunSearch>().SearchAsync(owner.Actor, experiments.Items.Select(e => e.Id).ToList(), new RunQuery(PageSize: 50_000));
        Assert.DoesNotContain(runs.Items, r => r.Info.UserId == owner.Actor.UserId);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public async Task Register_needs_exactly_one_of_source_and_path(bool withSource, bool withPath)
    {
        var owner = await app.CliUserAsync(Roles.Editor);
        List<string> args = ["models", "register", "--model-name", "m"];
        if (withSource) args.AddRange(["--source", "s3://b/m"]);
        if (withPath) args.AddRange(["--path", scratch]);

        var result = await app.RunAsync(owner, [.. args]);

        result.Failed(2, "Give either --source URI or --path DIR, not both or neither. See 'registry models register --help'.");
    }

    [Fact]
    public async Task Download_by_stage_writes_the_same_bytes_as_were_registered()
    {
        var owner = await app.CliUserAsync(Roles.Editor);
        var model = await app.ModelAsync(owner);
        var contents = ModelFolder(Path.Combine(scratch, "up"));
        Assert.Equal(0, (await app.RunAsync(owner, "models", "register", "--model-name", model, "--path", Path.Combine(scratch, "up"))).ExitCode);
        Assert.Equal(0, (await app.RunAsync(owner, "models", "transition-stage", "--model-name", model, "--version", "1", "--stage", "Production")).ExitCode);
        var dest = Path.Combine(scratch, "down");

        var result = await app.RunAsync(owner, "models", "download", "--model-uri", $"models:/{model}/production", "--dest", dest);

        result.Succeeded($"Downloaded version '1' of model '{model}' to {dest} (5 files, {contents.Values.Sum(b => (long)b.Length)} bytes).");
        var written = ReadFolder(dest);
        Assert.Equal(contents.Keys.Order(), written.Keys.Order());
        Assert.All(contents, file => Assert.Equal(file.Value, written[file.Key]));
    }

    [Fact]
    public async Task Download_resolves_versions_latest_and_aliases()
    {
        var owner = await app.CliUserAsync(Roles.Editor);
        var model = await app.ModelAsync(owner);
        for (var i = 0; i < 3; i++)
        {
            var folder = Path.Combine(scratch, $"v{i + 1}");
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "MLmodel"), $"version {i + 1}");
            Assert.Equal(0, (await app.RunAsync(owner, "models", "register", "--model-name", model, "--path", folder)).ExitCode);
        }
        await app.Service<AliasService>().SetAsync(owner.Actor, model, "champion", 2);

        foreach (var (uri, expected) in new[] { ($"models:/{model}/1", 1), ($"models:/{model}/latest", 3), ($"models:/{model}@champion", 2) })
        {
            var dest = Path.Combine(scratch, "out-" + expected);
            var result = await app.RunAsync(owner, "models", "download", "--model-uri", uri, "--dest", dest);
            result.Succeeded($"Downloaded version '{expected}' of model '{model}' to {dest} (1 file, 9 bytes).");
            Assert.Equal($"version {expected}", File.ReadAllText(Path.Combine(dest, "MLmodel")));
        }
    }

    [Fact]
    public async Task Download_of_a_stage_without_a_version_names_list_versions()
    {
        var owner = await app.CliUserAsync(Roles.Editor);
        var model = await app.ModelAsync(owner, Stage.Production);

        var result = await app.RunAsync(owner, "models", "download", "--model-uri", $"models:/{model}/Staging", "--dest", Path.Combine(scratch, "none"));

        result.Failed(1, $"Model '{model}' has no READY version in Staging; run 'registry models list-versions --model-name {model}'");
        Assert.False(Directory.Exists(Path.Combine(scratch, "none")));
    }

    [Fact]
    public async Task Download_of_a_version_outside_the_portal_says_where_its_files_are()
    {
        var owner = await app.CliUserAsync(Roles.Editor);
        var model = await app.ModelAsync(owner, Stage.None);

        var result = await app.RunAsync(owner, "models", "download", "--model-uri", $"models:/{model}/1", "--dest", Path.Combine(scratch, "s3"));

        result.Failed(1, $"Version 1 of '{model}' keeps its files at s3://bucket/{model}/1, outside the portal; fetch them from there");
    }

    [Fact]
    public async Task Download_of_a_missing_version_names_list_versions()
    {
        var owner = await app.CliUserAsync(Roles.Editor);
        var model = await app.ModelAsync(owner, Stage.None);

        var result = await app.RunAsync(owner, "models", "download", "--model-uri", $"models:/{model}/4", "--dest", Path.Combine(scratch, "x"));

        result.Failed(1, $"Version 4 of '{model}' does not exist; run 'registry models list-versions --model-name {model}'");
    }

    [Fact]
    public async Task A_dest_that_cannot_be_written_is_one_line_and_exit_1()
    {
        var owner = await app.CliUserAsync(Roles.Editor);
        var model = await app.ModelAsync(owner);
        var folder = Path.Combine(scratch, "one");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "MLmodel"), "x");
        Assert.Equal(0, (await app.RunAsync(owner, "models", "register", "--model-name", model, "--path", folder)).ExitCode);
        var file = Path.Combine(scratch, "a-file");
        File.WriteAllText(file, "not a folder");

        var result = await app.RunAsync(owner, "models", "download", "--model-uri", $"models:/{model}/1", "--dest", file);

        Assert.True(result.ExitCode == 1 && result.Stdout == "", result.ToString());
        Assert.Matches(@"^[^\n]*; check the folder and its permissions\n$", result.Stderr.Replace("\r", ""));
    }

    [Theory]
    [InlineData("runs:/abc/model", "'runs:/abc/model' is not a model URI; use models:/NAME/VERSION, models:/NAME/STAGE, models:/NAME/latest or models:/NAME@ALIAS.")]
    [InlineData("models:/m/prod", "'prod' in 'models:/m/prod' is not a version, a stage (None, Staging, Production, Archived) or 'latest'.")]
    public async Task A_bad_model_uri_is_a_usage_error(string uri, string message)
    {
        var owner = await app.CliUserAsync(Roles.Editor);

        var result = await app.RunAsync(owner, "models", "download", "--model-uri", uri, "--dest", scratch);

        result.Failed(2, $"{message} See 'registry models download --help'.");
    }
}
