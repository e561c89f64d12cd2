using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Bench;
using RegistryPortal.Data;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Data;

/// <summary>
/// Every query the bench's API figures make (bench/ApiFigureCalls.cs, compiled in here) seeks the versions,
/// tags, activity, users and user-role tables and never scans them, so their cost does not grow with the registry. SQLite plans
/// without statistics here (the app runs no ANALYZE), so the plans at this small scale are the plans at any.
/// </summary>
public sealed class ApiQueryPlanTests : IAsyncLifetime
{
    /// <summary>The tables whose rows grow with the registry (names as Data/EntityConfigurations.cs maps them).</summary>
    private static readonly string[] GrowingTables = ["Versions", "ModelTags", "VersionTags", "Activity", "AspNetUsers", "AspNetUserRoles"];

    private readonly QueryPlanRecorder recorder = new();
    private PortalHost app = null!;

    public ValueTask InitializeAsync()
    {
        app = new PortalHost
        {
            FastPasswordHashing = true,
            ConfigureServices = services => services.ConfigureDbContext<RegistryDbContext>(o => o.AddInterceptors(recorder)),
        };
        app.Server.PreserveExecutionContext = true; // so the call's name flows into the request that runs its queries
        app.Start();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task No_API_figure_scans_versions_tags_or_activity()
    {
        var (bearer, basic) = await ClientsAsync();
        // Enough models and versions for several pages of each walk (100 a page), so the page-token queries run too.
        var scale = BenchOptions.SmokeScale with { Models = 250, Versions = 2_500, BigModelVersions = 300, Events = 500, PendingRequests = 20 };
        var registry = await DataGenerator.GenerateAsync(app.Services.GetRequiredService<IDbContextFactory<RegistryDbContext>>(),
            await AdminIdAsync(), scale, TextWriter.Null);

        var calls = ApiFigureCalls.For(registry, bearer, basic, new Random(7), app.Services.GetRequiredService<IDbContextFactory<RegistryDbContext>>());
        for (var round = 0; round < 3; round++)
            foreach (var call in calls)
            {
                if (call.Before is not null) await call.Before();
                QueryPlanRecorder.Call = call.Name;
                await call.Run(round);
                QueryPlanRecorder.Call = null;
            }

        var plans = recorder.Plans.ToList();
        Assert.Equal(calls.Select(c => c.Name).Order(), plans.Select(p => p.Call).Distinct().Order()); // every call's queries were seen
        var reads = plans.SelectMany(p => p.Reads().Select(r => (Plan: p, r.Table, r.Scans, r.Step))).ToList();
        // The calls read these tables, so the check below is about real plans of them.
        Assert.Contains(reads, r => r.Table == "Versions");
        Assert.Contains(reads, r => r.Table == "ModelTags");
        Assert.Contains(reads, r => r.Table == "VersionTags");
        // A SCAN is a pass over every row of the table, or of one of its indexes: "USING COVERING INDEX" reads
        // fewer bytes per row but as many rows, so it grows with the registry just the same and counts too.
        var scans = reads.Where(r => r.Scans && GrowingTables.Contains(r.Table)).ToList();
        Assert.True(scans.Count == 0, "These queries scan a table that grows with the registry:\n" + string.Join("\n\n",
            scans.DistinctBy(s => (s.Plan.Call, s.Plan.Sql)).Select(s => $"{s.Plan.Call}: {s.Step} ({s.Table})\n{s.Plan.Sql}\n  plan: {string.Join("\n        ", s.Plan.Steps)}")));
    }

    private async Task<string> AdminIdAsync() => (await app.AdminAsync()).UserId;

    /// <summary>The bench's two clients: the admin by access token (Bearer), and by user name and password (Basic).</summary>
    private async Task<(HttpClient Bearer, HttpClient Basic)> ClientsAsync()
    {
        var token = await app.Services.GetRequiredService<AccessTokenService>()
            .CreateAsync(new Actor(await AdminIdAsync()), "query plans", DateTime.UtcNow.AddDays(1));
        var bearer = app.CreateClient();
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Secret);
        return (bearer, app.AdminClient());
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();
}
