using System.Text;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Registry.ModelCard;
using RegistryPortal.Tests.TestSupport;
using static RegistryPortal.Tests.TestSupport.ModelCardTestExtensions;

namespace RegistryPortal.Tests.Registry.ModelCard;

/// <summary>The card of a version, read from the registry's copy of its files over a real SQLite registry.</summary>
public class ModelCardServiceTests : IAsyncLifetime
{
    private TestRegistry registry = default!;

    public async ValueTask InitializeAsync() => registry = await TestRegistry.CreateAsync();

    public ValueTask DisposeAsync() => registry.DisposeAsync();

    private const string Inputs = """[{"type": "double", "name": "amount", "required": true}, {"type": "string", "name": "note", "required": false}]""";

    private static string Example(int rows) =>
        $$"""{"columns": ["amount", "note"], "data": [{{string.Join(", ", Enumerable.Range(1, rows).Select(r => $"[{r}.5, \"n{r}\"]"))}}]}""";

    [Fact]
    public async Task The_card_reads_flavors_signature_the_first_rows_of_the_input_example_requirements_and_the_run_metrics()
    {
        var owner = await registry.UserAsync(Roles.Editor);
        var experiment = await registry.ExperimentAsync(owner, "card");
        var runId = await registry.RunAsync(owner, experiment, "train", 1000, metrics: new() { ["auc"] = [0.7, 0.8, 0.91], ["loss"] = [0.5, 0.2] });
        var number = await registry.VersionWithFilesAsync(owner, "card-model", new Dictionary<string, string>
        {
            ["MLmodel"] = MlModelWithColumns(Inputs),
            ["input_example.json"] = Example(8),
            ["requirements.txt"] = "# pinned\nmlflow==2.16.2\nscikit-learn==1.5.1\n",
            ["python_env.yaml"] = "python: 3.11.9\n",
            ["model.pkl"] = "weights",
        }, runId);

        var card = await registry.Cards().CardAsync(owner, "card-model", number);

        Assert.Null(card.MlModelProblem);
        Assert.Equal(["python_function", "sklearn"], card.MlModel!.Flavors.Select(f => f.Name));
        Assert.Equal(["amount", "note"], card.MlModel.Signature!.Inputs.Select(i => i.Name));
        Assert.Equal((5, 8), (card.InputExample!.Rows, card.InputExample.TotalRows));
        // A row a line, as a person would lay it out.
        Assert.Equal("""
            {
              "columns": ["amount", "note"],
              "data": [
                [1.5, "n1"],
                [2.5, "n2"],
                [3.5, "n3"],
                [4.5, "n4"],
                [5.5, "n5"]
              ]
            }
            """, card.InputExample.Text);
        Assert.Equal(["mlflow==2.16.2", "scikit-learn==1.5.1"], card.RequirementLines);
        Assert.Equal("python: 3.11.9\n", card.PythonEnv!.Text);
        Assert.Equal(5, card.FileCount);
        Assert.Equal([("auc", 0.91), ("loss", 0.2)], card.Metrics.Select(m => (m.Key, m.Value)).Order());
        Assert.Null(card.StoredOutside);
    }

    [Fact]
    public async Task A_version_without_MLmodel_says_so()
    {
        var owner = await registry.UserAsync(Roles.Editor);
        var number = await registry.VersionWithFilesAsync(owner, "bare", new Dictionary<string, string> { ["model.bin"] = "x" });

        var card = await registry.Cards().CardAsync(owner, "bare", number);

        Assert.Null(card.MlModel);
        Assert.Equal("This version has no MLmodel file, so the portal cannot tell its flavors or signature.", card.MlModelProblem);
        Assert.Equal((1, 1L), (card.FileCount, card.TotalSize));
    }

    [Fact]
    public async Task Malformed_MLmodel_is_shown_as_such()
    {
        var owner = await registry.UserAsync(Roles.Editor);
        var number = await registry.VersionWithFilesAsync(owner, "broken", new Dictionary<string, string> { ["MLmodel"] = "flavors:\n  sklearn: {sklearn_version: 1.5\n" });

        var card = await registry.Cards().CardAsync(owner, "broken", number);

        Assert.Null(card.MlModel);
        Assert.StartsWith("MLmodel is not valid YAML: line ", card.MlModelProblem);
    }

    [Fact]
    public async Task A_missing_input_example_is_named()
    {
        var owner = await registry.UserAsync(Roles.Editor);
        var number = await registry.VersionWithFilesAsync(owner, "no-example", new Dictionary<string, string> { ["MLmodel"] = MlModelWithColumns(Inputs) });

        var card = await registry.Cards().CardAsync(owner, "no-example", number);

        Assert.Equal("MLmodel names the input example input_example.json, but the version has no such file.", card.InputExample!.Problem);
        Assert.Null(card.InputExample.Text);
    }

    [Fact]
    public async Task An_input_example_over_the_cap_is_not_read()
    {
        var owner = await registry.UserAsync(Roles.Editor);
        var number = await registry.VersionWithFilesAsync(owner, "big-example", new Dictionary<string, string>
        {
            ["MLmodel"] = MlModelWithColumns(Inputs),
            ["input_example.json"] = Example(20_000), // about 400 KB
        });

        var card = await registry.Cards().CardAsync(owner, "big-example", number);

        Assert.Matches(@"^input_example\.json is [\d,]+ KB, more than the 256 KB the model card reads\.$", card.InputExample!.Problem);
        Assert.Null(card.InputExample.Text);
    }

    [Fact]
    public async Task A_version_whose_files_are_outside_the_portal_names_where_they_are()
    {
        var (name, owner) = await registry.ModelWithVersionsAsync(1);

        var card = await registry.Cards().CardAsync(owner, name, 1);

        Assert.Equal($"s3://bucket/{name}/1", card.StoredOutside);
        Assert.Null(card.MlModel);
        Assert.Contains(card.Snippets, s => s.Code.Contains($"models:/{name}/1"));
    }

    [Fact]
    public async Task The_card_and_the_files_need_Read_on_the_model()
    {
        var owner = await registry.UserAsync(Roles.Editor);
        var number = await registry.VersionWithFilesAsync(owner, "private", new Dictionary<string, string> { ["MLmodel"] = "flavors: {}\n" });
        var stranger = await registry.UserAsync();

        var refusals = new[]
        {
            await Assert.ThrowsAsync<RegistryError>(() => registry.Cards().CardAsync(stranger, "private", number)),
            await Assert.ThrowsAsync<RegistryError>(() => registry.VersionFiles().FileAsync(stranger, "private", number, "MLmodel")),
            await Assert.ThrowsAsync<RegistryError>(() => registry.VersionFiles().FolderWithFilesAsync(stranger, "private", number)),
        };

        // A model the caller may not read does not exist for them, as everywhere in the registry.
        Assert.All(refusals, e => Assert.Equal((ErrorKind.NotFound, "Registered model 'private' does not exist. Check the name on the Models page."), (e.Kind, e.Message)));
    }

    [Theory]
    [InlineData("../other/MLmodel")]
    [InlineData("a/../../MLmodel")]
    [InlineData("/etc/passwd")]
    [InlineData("..\\..\\registry.db")]
    public async Task Paths_outside_the_version_are_refused(string path)
    {
        var owner = await registry.UserAsync(Roles.Editor);
        var number = await registry.VersionWithFilesAsync(owner, "confined", new Dictionary<string, string> { ["MLmodel"] = "flavors: {}\n" });

        var error = await Assert.ThrowsAsync<RegistryError>(() => registry.VersionFiles().FileAsync(owner, "confined", number, path));

        Assert.Equal(ErrorKind.InvalidValue, error.Kind);
    }

    [Fact]
    public async Task The_file_tree_lists_folders_first_and_previews_text()
    {
        var owner = await registry.UserAsync(Roles.Editor);
        var number = await registry.VersionWithFilesAsync(owner, "tree", new Dictionary<string, string>
        {
            ["MLmodel"] = "flavors: {}\n", ["data/model.pth"] = "\0\0binary", ["requirements.txt"] = "torch==2.3.1\n",
        });
        var files = registry.VersionFiles();

        var tree = await files.TreeAsync(await files.FolderAsync(owner, "tree", number));
        var preview = await files.PreviewAsync(owner, "tree", number, "requirements.txt");
        var binary = await files.PreviewAsync(owner, "tree", number, "data/model.pth");

        Assert.Equal(["data", "MLmodel", "requirements.txt"], tree.Items.Select(i => i.Name));
        Assert.Equal(["data/model.pth"], tree.Items[0].Children.Select(c => c.Path));
        Assert.Equal("torch==2.3.1\n", preview.Text);
        Assert.Equal("There is no preview for this type of file.", binary.NotShownBecause);
    }

    [Fact]
    public async Task Compare_marks_a_changed_an_added_and_a_removed_input_column_and_a_changed_requirement()
    {
        var owner = await registry.UserAsync(Roles.Editor);
        await registry.VersionWithFilesAsync(owner, "compared", new Dictionary<string, string>
        {
            ["MLmodel"] = MlModelWithColumns(Inputs, null), ["requirements.txt"] = "scikit_learn==1.4.2\npandas==2.2.2\n",
        });
        await registry.VersionWithFilesAsync(owner, "compared", new Dictionary<string, string>
        {
            ["MLmodel"] = MlModelWithColumns("""[{"type": "long", "name": "amount", "required": true}, {"type": "double", "name": "hour"}]""", null),
            ["requirements.txt"] = "scikit-learn==1.5.1\npandas==2.2.2\n",
        });
        var cards = new[] { await registry.Cards().CardAsync(owner, "compared", 1), await registry.Cards().CardAsync(owner, "compared", 2) };

        var comparison = CardComparison.Of(cards);

        Assert.Equal(
            [("amount", Difference.Changed, "long"), ("note", Difference.Removed, ""), ("hour", Difference.Added, "double")],
            comparison.Inputs.Select(r => (r.Key, r.Cells[1].Difference, r.Cells[1].Text)));
        Assert.All(comparison.Inputs, r => Assert.Equal(Difference.Same, r.Cells[0].Difference));
        Assert.False(Assert.Single(comparison.Outputs).Differs);
        Assert.Equal([("scikit-learn", Difference.Changed), ("pandas", Difference.Same)], comparison.Requirements.Select(r => (r.Key, r.Cells[1].Difference)));
    }

    [Fact]
    public async Task The_snippets_load_by_alias_and_stage_and_quote_an_awkward_name_for_the_shell()
    {
        var owner = await registry.UserAsync(Roles.Manager);
        var number = await registry.VersionWithFilesAsync(owner, "it's a model", new Dictionary<string, string>
        {
            ["MLmodel"] = MlModelWithColumns(Inputs), ["input_example.json"] = Example(2),
        });
        await registry.Aliases.SetAsync(owner, "it's a model", "champion", number);
        await registry.Stages.TransitionAsync(owner, "it's a model", number, "Production");

        var snippets = (await registry.Cards().CardAsync(owner, "it's a model", number)).Snippets.ToDictionary(s => s.Title, s => s.Code);

        Assert.Equal("import mlflow\n\nmodel = mlflow.pyfunc.load_model(\"models:/it's a model@champion\")", snippets["Load by alias @champion"]);
        Assert.EndsWith("load_model(\"models:/it's a model/Production\")", snippets["Load the Production version"]);
        Assert.Equal("mlflow models serve -m 'models:/it'\\''s a model/1' -p 5001", snippets["Serve it with MLflow"]);
        Assert.Equal("registry models download --model-uri 'models:/it'\\''s a model/1' --dest ./it-s-a-model-v1", snippets["Download it with the registry CLI"]);
        Assert.Equal("curl -X POST http://127.0.0.1:5001/invocations -H 'Content-Type: application/json' \\\n"
            + "  -d '{\"dataframe_split\":{\"columns\":[\"amount\",\"note\"],\"data\":[[1.5,\"n1\"],[2.5,\"n2\"]]}}'", snippets["Call the served model"]);
    }
}
