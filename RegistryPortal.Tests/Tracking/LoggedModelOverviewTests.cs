using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Tests.TestSupport;
using RegistryPortal.Tracking;

namespace RegistryPortal.Tests.Tracking;

/// <summary>The logged model page's one read: the model, where it came from, its versions, and whether the caller may register it.</summary>
public class LoggedModelOverviewTests
{
    [Theory]
    [InlineData(Roles.Reader, LoggedModelStatuses.Ready, false)]
    [InlineData(Roles.Editor, LoggedModelStatuses.Ready, true)]
    [InlineData(Roles.Editor, LoggedModelStatuses.UploadFailed, false)]
    [InlineData(Roles.Editor, null, false)]
    public async Task Only_an_editor_may_register_and_only_a_ready_model(string role, string? status, bool mayRegister)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (models, editor, experiment, runId) = await LoggedModelServiceTests.NewExperimentAsync(registry);
        var logged = (await models.CreateAsync(editor, new NewLoggedModel(experiment, "clf", runId))).Info;
        if (status is not null) await models.FinalizeAsync(editor, logged.Id, status);

        var overview = await models.OverviewAsync(await registry.UserAsync(role), logged.Id);

        Assert.Equal(mayRegister, overview.MayRegister);
        Assert.Equal((logged.Id, status ?? LoggedModelStatuses.Pending), (overview.Model.Info.Id, overview.Model.Info.Status));
    }

    [Fact]
    public async Task It_names_the_experiment_and_run_and_lists_the_versions_registered_from_it()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (models, editor, experiment, runId) = await LoggedModelServiceTests.NewExperimentAsync(registry);
        var logged = (await models.CreateAsync(editor, new NewLoggedModel(experiment, "clf", runId))).Info;
        var (open, _) = await registry.ModelWithVersionsAsync(0, owner: editor);
        await registry.Versions.RegisterAsync(editor, new NewVersion(open, "s3://bucket/clf", LoggedModelId: logged.Id));
        var other = await registry.UserAsync(Roles.Editor);
        var (second, _) = await registry.ModelWithVersionsAsync(0, owner: other);
        await registry.Versions.RegisterAsync(other, new NewVersion(second, "s3://bucket/clf", LoggedModelId: logged.Id));
        var reader = await registry.UserAsync(Roles.Reader);

        var overview = await models.OverviewAsync(reader, logged.Id);

        Assert.Equal((await registry.Experiments().GetAsync(reader, experiment)).Name, overview.ExperimentName);
        Assert.Equal((await registry.Runs().GetAsync(reader, runId)).Info.Name, overview.SourceRunName);
        Assert.Equal(new[] { open, second }.Order(), overview.Versions.Select(v => v.ModelName).Order());
    }

    [Fact]
    public async Task A_model_logged_outside_a_run_has_no_run_name_and_a_deleted_one_is_not_found()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (models, editor, experiment, _) = await LoggedModelServiceTests.NewExperimentAsync(registry);
        var logged = (await models.CreateAsync(editor, new NewLoggedModel(experiment, "clf"))).Info;

        Assert.Null((await models.OverviewAsync(editor, logged.Id)).SourceRunName);

        await models.DeleteAsync(editor, logged.Id);
        await Expect.RefusalAsync(ErrorKind.NotFound, () => models.OverviewAsync(editor, logged.Id), $"Logged model with ID '{logged.Id}' not found.");
    }
}
