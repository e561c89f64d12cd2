using System.Text;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Domain;
using RegistryPortal.Storage;
using RegistryPortal.Tests.TestSupport;
using RegistryPortal.Tracking;

namespace RegistryPortal.Tests.Tracking;

/// <summary>The run page's view of a run's artifacts: the tree, model folders, and previews of text files.</summary>
public class RunArtifactsTests : IAsyncLifetime
{
    private TestRegistry registry = default!;
    private RunArtifacts artifacts = default!;
    private RegistryPortal.Security.Actor editor = default!;
    private string runId = "";

    public async ValueTask InitializeAsync()
    {
        registry = await TestRegistry.CreateAsync();
        RunService runs;
        (runs, editor, runId) = await TrackingServiceTests.NewRunAsync(registry);
        artifacts = registry.Services.GetRequiredService<RunArtifacts>();
        var store = registry.Services.GetRequiredService<ArtifactStore>();
        var root = ArtifactStore.PathOf((await runs.GetAsync(editor, runId)).Info.ArtifactUri)!;
        async Task Save(string path, byte[] content) => await store.SaveAsync($"{root}/{path}", new MemoryStream(content), default);
        await Save("model/MLmodel", "artifact_path: model\nflavors:\n  sklearn: {}\n"u8.ToArray());
        await Save("model/requirements.txt", "scikit-learn==1.5.0\n"u8.ToArray());
        await Save("model/model.pkl", [0x80, 0x04, 0x00, 0x01]);
        await Save("model/data/weights.bin", [1, 2, 3]);
        await Save("plots/notes.txt", Encoding.UTF8.GetBytes(new string('x', RunArtifacts.PreviewLimit + 10)));
        await Save("plots/config.json", "{\"a\": 1, \"nul\": \"\0\"}"u8.ToArray());
        await Save("summary.json", "{\"auc\": 0.9}"u8.ToArray());
    }

    [Fact]
    public async Task The_tree_lists_folders_first_with_paths_relative_to_the_run_and_marks_model_folders()
    {
        var tree = await artifacts.TreeAsync(editor, runId);

        Assert.Equal(["model", "plots", "summary.json"], tree.Items.Select(n => n.Path));
        var model = tree.Items[0];
        Assert.Equal(["model/data", "model/MLmodel", "model/model.pkl", "model/requirements.txt"], model.Children.Select(n => n.Path));
        Assert.Equal(["model/data/weights.bin"], model.Children[0].Children.Select(n => n.Path));
        Assert.Equal(3L, model.Children[0].Children[0].FileSize);
        Assert.True(model.IsModel);
        Assert.False(tree.Items[1].IsModel);
        Assert.False(model.Children[0].IsModel);
        Assert.False(tree.RootIsModel);
        Assert.Null(tree.StoredOutside);
    }

    [Fact]
    public async Task Text_files_are_previewed_up_to_64_KB_and_other_files_say_why_not()
    {
        var mlmodel = await artifacts.PreviewAsync(editor, runId, "model/MLmodel");
        var big = await artifacts.PreviewAsync(editor, runId, "plots/notes.txt");
        var pickle = await artifacts.PreviewAsync(editor, runId, "model/model.pkl");
        var binaryJson = await artifacts.PreviewAsync(editor, runId, "plots/config.json");

        Assert.Equal(("artifact_path: model\nflavors:\n  sklearn: {}\n", false, null), (mlmodel.Text, mlmodel.Truncated, mlmodel.NotShownBecause));
        Assert.Equal((RunArtifacts.PreviewLimit, true, RunArtifacts.PreviewLimit + 10L), (big.Text!.Length, big.Truncated, big.FileSize));
        Assert.Null(pickle.Text);
        Assert.Contains("no preview for this type of file", pickle.NotShownBecause);
        Assert.Null(binaryJson.Text);
        Assert.Contains("binary data", binaryJson.NotShownBecause);
    }

    [Theory]
    [InlineData("../../other-run/artifacts/model/MLmodel")]
    [InlineData("model/../../x")]
    [InlineData("/model/MLmodel")]
    [InlineData("model//MLmodel")]
    [InlineData("model\\MLmodel")]
    [InlineData("")]
    public async Task Previews_stay_inside_the_run_s_folder(string path) =>
        await Expect.RefusalAsync(ErrorKind.InvalidValue, () => artifacts.PreviewAsync(editor, runId, path), "is not a path inside the run's artifacts");

    [Fact]
    public async Task A_missing_file_is_not_found_and_users_without_a_role_see_nothing()
    {
        await Expect.RefusalAsync(ErrorKind.NotFound, () => artifacts.PreviewAsync(editor, runId, "model/nope.txt"), "has no artifact file 'model/nope.txt'");
        var outsider = await registry.UserAsync();
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => artifacts.TreeAsync(outsider, runId), "Reader role");
        await Expect.RefusalAsync(ErrorKind.PermissionDenied, () => artifacts.PreviewAsync(outsider, runId, "model/MLmodel"), "Reader role");
    }

    public async ValueTask DisposeAsync() => await registry.DisposeAsync();
}
