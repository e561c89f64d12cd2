using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Bench;
using RegistryPortal.Data;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using RegistryPortal.Tests.Api;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Data;

/// <summary>
/// The requests inbox at the bench's 1,000 pending requests: a fixed handful of statements whatever the number of
/// requests (no query per request), each seeking its rows: the pending requests by their status index, their models and
/// versions by key. Its time is the bench's to measure; this is the shape that keeps it flat.
/// </summary>
public sealed class InboxQueryPlanTests : IAsyncLifetime
{
    private readonly QueryPlanRecorder recorder = new();
    private PortalHost app = null!;

    public ValueTask InitializeAsync()
    {
        app = new PortalHost
        {
            FastPasswordHashing = true,
            ConfigureServices = services => services.ConfigureDbContext<RegistryDbContext>(o => o.AddInterceptors(recorder)),
        };
        app.Start();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task The_inbox_reads_1000_pending_requests_in_a_few_seeking_statements()
    {
        string adminId;
        await using (var scope = app.Services.CreateAsyncScope())
            adminId = (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(PortalHost.AdminEmail))!.Id;
        var scale = BenchOptions.SmokeScale with { Models = 100, Versions = 1_500, BigModelVersions = 50, Events = 100, PendingRequests = 1_000 };
        await DataGenerator.GenerateAsync(app.Services.GetRequiredService<IDbContextFactory<RegistryDbContext>>(), adminId, scale, TextWriter.Null);
        var inbox = app.Services.GetRequiredService<RequestInboxService>();
        var admin = new Actor(adminId);

        QueryPlanRecorder.Call = "inbox";
        var page = (await inbox.ToReviewAsync(admin)).Requests;
        QueryPlanRecorder.Call = null;

        Assert.Equal((1_000, InboxQuery.DefaultPageSize), (page.Total, page.Items.Count)); // every request decided on, one page shown
        var plans = recorder.Plans.Where(p => p.Call == "inbox").ToList();
        Assert.InRange(plans.Count, 3, 6); // roles, grants, the requests, the default, requesters' names
        var reads = plans.SelectMany(p => p.Reads()).ToList();
        Assert.Contains(reads, r => r.Table == "TransitionRequests" && !r.Scans && r.Step.Contains("IX_TransitionRequests_Status"));
        var scans = reads.Where(r => r.Scans && r.Table is "TransitionRequests" or "Versions" or "Models").Select(r => r.Step).ToList();
        Assert.True(scans.Count == 0, "The inbox scans: " + string.Join("; ", scans));
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
    }
}
