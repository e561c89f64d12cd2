using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Tests.TestSupport;
using RegistryPortal.Tracking;
using Microsoft.Extensions.DependencyInjection;

namespace RegistryPortal.Tests.Registry;

/// <summary>Which sources a version may have: URIs the portal or a remote store serves; never the server's own files.</summary>
public class VersionSourceTests
{
    [Theory]
    [InlineData("runs:/0123456789abcdef0123456789abcdef/model")]
    [InlineData("models:/m-0123456789abcdef0123456789abcdef")]
    [InlineData("mlflow-artifacts:/3/abc/artifacts/model")]
    [InlineData("s3://bucket/models/fraud/3")]
    [InlineData("wasbs://models@account.blob.core.windows.net/fraud/3")]
    [InlineData("abfss://models@account.dfs.core.windows.net/fraud/3")]
    [InlineData("gs://bucket/fraud")]
    [InlineData("https://models.example.com/fraud.tar.gz")]
    [InlineData("dbfs:/databricks/mlflow/fraud")]
    public async Task Portal_and_remote_URIs_register(string source)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);

        var version = await registry.Versions.RegisterAsync(owner, new NewVersion(name, source));

        Assert.Equal(source, version.Source);
    }

    [Theory]
    [InlineData("/etc", "is a path on the server")]
    [InlineData("file:///etc/passwd", "is a path on the server")]
    [InlineData("model", "is a path on the server")]
    [InlineData("C:\\models\\fraud", "is a path on the server")]
    [InlineData("s3://bucket/../other", "'..' segment")]
    [InlineData("s3://bucket/%2e%2e/other", "'..' segment")]
    [InlineData("s3://bucket/%252E%252E/other", "'..' segment")]
    [InlineData("runs:/abc/..\\..\\x", "'..' segment")]
    [InlineData("s3://bucket/a\0b", "control character")]
    [InlineData("s3://bucket/a%00b", "control character")]
    [InlineData("s3://bucket/a\nb", "control character")]
    [InlineData("ftp://host/model", "not a URI the registry reads")]
    [InlineData("javascript:alert(1)", "not a URI the registry reads")]
    public async Task Local_paths_traversal_control_characters_and_unknown_schemes_are_refused_and_nothing_is_registered(string source, string why)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);

        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Versions.RegisterAsync(owner, new NewVersion(name, source)), why);

        Assert.Equal(0, (await registry.Versions.ListAsync(owner, name)).Total);
    }

    [Fact]
    public async Task A_local_path_inside_the_artifact_folder_of_the_run_given_is_accepted_one_outside_it_is_not()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0);
        var editor = await registry.UserAsync(Roles.Editor);
        var experiment = await registry.Services.GetRequiredService<ExperimentService>().CreateAsync(editor, "local-store", "/srv/mlruns/7");
        var run = await registry.Runs().CreateAsync(editor, experiment.Id);
        var folder = run.Info.ArtifactUri; // /srv/mlruns/7/<run id>/artifacts

        var inside = await registry.Versions.RegisterAsync(owner, new NewVersion(name, $"{folder}/model", RunId: run.Info.Id));
        var asFileUri = await registry.Versions.RegisterAsync(owner, new NewVersion(name, $"file://{folder}/model", RunId: run.Info.Id));

        Assert.Equal($"{folder}/model", inside.Source);
        Assert.Equal($"file://{folder}/model", asFileUri.Source);
        await Expect.RefusalAsync(ErrorKind.InvalidValue,
            () => registry.Versions.RegisterAsync(owner, new NewVersion(name, "/srv/mlruns/7/other-run/artifacts/model", RunId: run.Info.Id)), "is a path on the server");
        await Expect.RefusalAsync(ErrorKind.InvalidValue,
            () => registry.Versions.RegisterAsync(owner, new NewVersion(name, $"{folder}/model")), "is a path on the server"); // no run given
    }

    [Fact]
    public async Task An_admin_setting_allows_local_sources_but_never_traversal()
    {
        await using var registry = await TestRegistry.CreateAsync(new Dictionary<string, string?> { ["Registry:AllowLocalSources"] = "true" });
        var (name, owner) = await registry.ModelWithVersionsAsync(0);

        var local = await registry.Versions.RegisterAsync(owner, new NewVersion(name, "/mnt/models/fraud"));

        Assert.Equal("/mnt/models/fraud", local.Source);
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Versions.RegisterAsync(owner, new NewVersion(name, "/mnt/models/../../etc")), "'..' segment");
    }
}
