using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Security;
using RegistryPortal.Storage;
using RegistryPortal.Tracking;

namespace RegistryPortal.Tests.TestSupport;

/// <summary>Short ways to make experiments, runs and run artifacts through the real tracking services.</summary>
public static class TrackingTestExtensions
{
    public static ExperimentService Experiments(this TestRegistry registry) => registry.Services.GetRequiredService<ExperimentService>();

    public static RunService Runs(this TestRegistry registry) => registry.Services.GetRequiredService<RunService>();

    public static async Task<int> ExperimentAsync(this TestRegistry registry, Actor actor, string name) =>
        (await registry.Experiments().CreateAsync(actor, name)).Id;

    /// <summary>A run with params, tags and metrics (key → values by step 0, 1, 2 …), started at <paramref name="start"/>.</summary>
    public static async Task<string> RunAsync(this TestRegistry registry, Actor actor, int experimentId, string name, long start,
        Dictionary<string, string>? parameters = null, Dictionary<string, double[]>? metrics = null, Dictionary<string, string>? tags = null)
    {
        var runs = registry.Runs();
        var id = (await runs.CreateAsync(actor, experimentId, name, startTime: start)).Info.Id;
        var values = (metrics ?? []).SelectMany(m => m.Value.Select((v, step) => new MetricValue(m.Key, v, start + step, step))).ToList();
        await runs.LogBatchAsync(actor, id, values, parameters, tags);
        return id;
    }

    /// <summary>Saves a file among a run's artifacts; <paramref name="path"/> is relative to the run's artifact root.</summary>
    public static async Task SaveArtifactAsync(this TestRegistry registry, Actor actor, string runId, string path, byte[] content)
    {
        var root = ArtifactStore.PathOf((await registry.Runs().GetAsync(actor, runId)).Info.ArtifactUri)!;
        await registry.Services.GetRequiredService<ArtifactStore>().SaveAsync($"{root}/{path}", new MemoryStream(content), default);
    }

    /// <summary>A run of a new experiment with a logged model in its "model" folder (MLmodel and a weights file).</summary>
    public static async Task<string> RunWithModelAsync(this TestRegistry registry, Actor actor)
    {
        var experiment = await registry.ExperimentAsync(actor, $"exp-{Guid.NewGuid():N}");
        var runId = await registry.RunAsync(actor, experiment, "with-model", 1000);
        await registry.SaveArtifactAsync(actor, runId, "model/MLmodel", "flavors: {}\n"u8.ToArray());
        await registry.SaveArtifactAsync(actor, runId, "model/model.pkl", [1, 2, 3]);
        return runId;
    }
}
