using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Backup;
using RegistryPortal.Domain;
using RegistryPortal.Security;
using RegistryPortal.Storage;
using RegistryPortal.Tests.TestSupport;
using RegistryPortal.Tracking;

namespace RegistryPortal.Tests.Backup;

/// <summary>A registry backed up and restored into a fresh data folder is the same registry: every row, every file, every sign-in.</summary>
public sealed class BackupRoundTripTests : IAsyncLifetime
{
    private TestRegistry source = null!;
    private BackupScenario scenario = null!;
    private readonly string scratch = TestRegistry.NewFolder();

    public async ValueTask InitializeAsync()
    {
        source = await TestRegistry.CreateAsync();
        scenario = await BackupScenario.BuildAsync(source);
        await source.Services.GetRequiredService<ModelRegistration>().WhenIdleAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await source.DisposeAsync();
        Directory.Delete(scratch, recursive: true);
    }

    /// <summary>Backs the source up into the scratch folder and restores it into a new folder; returns that folder.</summary>
    private async Task<(string Folder, BackupManifest Restored)> BackUpAndRestoreAsync()
    {
        var backupFolder = Path.Combine(scratch, "backup");
        var (_, missing) = await new RegistryBackup(source.Locations, TimeProvider.System).BackUpAsync(backupFolder);
        Assert.Empty(missing);
        var target = TestRegistry.NewFolder();
        return (target, await new RegistryBackup(TestRegistry.LocationsIn(target), TimeProvider.System).RestoreAsync(backupFolder));
    }

    [Fact]
    public async Task Every_row_of_every_table_and_every_file_comes_back_exactly()
    {
        var (target, restored) = await BackUpAndRestoreAsync();
        try
        {
            var expectedRows = await RegistryContents.RowsAsync(source.Locations.DatabaseFile);
            var actualRows = await RegistryContents.RowsAsync(TestRegistry.LocationsIn(target).DatabaseFile);
            Assert.Equal(expectedRows.Keys, actualRows.Keys);
            foreach (var (table, rows) in expectedRows) Assert.Equal(rows, actualRows[table]);
            // The scenario reached every kind of row a backup must carry, so the comparison above compared them.
            foreach (var table in new[] { "Models", "Versions", "VersionTags", "ModelTags", "Aliases", "TransitionRequests", "Activity",
                         "AspNetUsers", "AspNetUserRoles", "Grants", "AccessTokens", "Experiments", "Runs", "RunMetrics", "LoggedModels" })
                Assert.True(expectedRows[table].Count > 0, $"the scenario left {table} empty");
            Assert.Equal(expectedRows.ToDictionary(t => t.Key, t => (long)t.Value.Count), restored.Rows);

            var (expectedFiles, expectedFolders) = RegistryContents.FilesOf(source.Locations.ArtifactsRoot);
            var (actualFiles, actualFolders) = RegistryContents.FilesOf(TestRegistry.LocationsIn(target).ArtifactsRoot);
            Assert.Equal(expectedFiles, actualFiles);
            Assert.Equal(expectedFolders, actualFolders);
            Assert.Equal(expectedFiles.Count, restored.Files.Count);
            Assert.Contains(expectedFiles.Keys, f => f.StartsWith("registry/", StringComparison.Ordinal) && f.EndsWith("/data/model.pkl", StringComparison.Ordinal));
            Assert.Contains(expectedFiles.Keys, f => f.Contains("/models/") && f.EndsWith("/artifacts/model.pkl", StringComparison.Ordinal)); // the logged model
            Assert.Contains(expectedFiles.Keys, f => f.EndsWith("/artifacts/metrics/confusion.csv", StringComparison.Ordinal)); // a run's artifact
        }
        finally
        {
            Directory.Delete(target, recursive: true);
        }
    }

    [Fact]
    public async Task The_restored_registry_serves_the_same_models_passwords_and_tokens_through_the_services()
    {
        var (target, _) = await BackUpAndRestoreAsync();
        await using var restored = await TestRegistry.OpenAsync(target);

        Assert.Equal(scenario.UserId, (await restored.Tokens.AuthenticateAsync(scenario.TokenSecret))?.UserId);
        Assert.True(await restored.PasswordWorksAsync(scenario.UserId, scenario.UserPassword));
        Assert.False(await restored.PasswordWorksAsync(scenario.UserId, "Not-The-Passw0rd!"));
        Assert.Equal(new Dictionary<int, Stage> { [1] = Stage.Production, [2] = Stage.Staging, [3] = Stage.None },
            await restored.StagesOfAsync(scenario.ModelName));
        var owner = new Actor(scenario.UserId);
        Assert.Equal(1, (await restored.Aliases.GetVersionAsync(owner, scenario.ModelName, "champion")).Version);
        var pending = Assert.Single(await restored.Requests.ListAsync(owner, scenario.ModelName));
        Assert.Equal((3, Stage.Production), (pending.Version, pending.ToStage));
        var weights = restored.Services.GetRequiredService<ArtifactStore>().FileOrNull($"{ArtifactStore.PathOf(scenario.UploadedVersionUri)}/data/model.pkl");
        Assert.Equal(scenario.Weights, await File.ReadAllBytesAsync(weights!));
    }

    [Fact]
    public async Task The_app_started_on_the_restored_folder_signs_the_user_in_and_serves_the_files_to_the_token()
    {
        var (target, _) = await BackUpAndRestoreAsync();
        await using var app = new PortalHost { DataFolder = target };

        var signIn = await app.Browser().SignInAsync(scenario.UserEmail, scenario.UserPassword);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.EndsWith("/models", signIn.Headers.Location!.ToString());

        var api = app.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", scenario.TokenSecret);
        using var model = JsonDocument.Parse(await api.GetStringAsync($"/api/2.0/mlflow/registered-models/get?name={scenario.ModelName}"));
        Assert.Equal("champion", model.RootElement.GetProperty("registered_model").GetProperty("aliases")[0].GetProperty("alias").GetString());
        var file = await api.GetByteArrayAsync($"/api/2.0/mlflow-artifacts/artifacts/{ArtifactStore.PathOf(scenario.UploadedVersionUri)}/data/model.pkl");
        Assert.Equal(scenario.Weights, file);
    }
}
