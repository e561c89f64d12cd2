using Microsoft.Extensions.Options;
using RegistryPortal.Data;

namespace RegistryPortal.Registry;

/// <summary>
/// Runs <see cref="CrashRecovery"/> in the background once the portal starts, so a restart after a crash cleans up
/// and finishes what the stopped process left (the portal serves meanwhile: nothing half-done is ever shown as done).
/// What counts as left behind depends on who else may be working on the same data:
/// <list type="bullet">
/// <item>SQLite: one file serves one instance, so anything untouched since this process started is its predecessor's.
/// One pass at start is enough: this process finishes (or fails) every copy it starts itself.</item>
/// <item>PostgreSQL: other live instances share the database and the artifact folder, and their copies and uploads are
/// in flight. Instances keep no record of who owns what, but live work keeps writing (a copy's files grow, an upload's
/// temporary file grows, a claimed version gets a new time), so work counts as left behind only when untouched for
/// Registry:RecoverAfterMinutes. Since a crashed instance may come back within that time, the pass repeats at that
/// interval on every instance; the claim in <see cref="CrashRecovery"/> makes sure only one of them takes each version.</item>
/// </list>
/// </summary>
public sealed class CrashRecoveryService(CrashRecovery recovery, IOptions<RegistryOptions> settings, IOptions<DatabaseOptions> database,
    TimeProvider clock, ILogger<CrashRecoveryService> logger) : BackgroundService
{
    /// <summary>Taken when the host builds its services, before it serves anything.</summary>
    private readonly DateTime started = clock.GetUtcNow().UtcDateTime;

    private readonly TimeSpan quiet = TimeSpan.FromMinutes(settings.Value.RecoverAfterMinutes);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var shared = database.Value.Kind == DatabaseProvider.Postgres;
        await RunOnceAsync(shared ? clock.GetUtcNow().UtcDateTime - quiet : started, "Startup recovery", stoppingToken);
        if (!shared) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(quiet, clock, stoppingToken);
            await RunOnceAsync(clock.GetUtcNow().UtcDateTime - quiet, "Recovery", stoppingToken);
        }
    }

    private async Task RunOnceAsync(DateTime cutoff, string pass, CancellationToken ct)
    {
        try
        {
            var report = await recovery.RecoverAsync(cutoff, ct);
            logger.Log(report.DidAnything ? LogLevel.Warning : LogLevel.Information, "{Pass} finished: {Report}.", pass, report);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A pass that fails (database away, folder unreadable) must not stop the portal; the next start tries again.
            logger.LogError(e, "{Pass} failed.", pass);
        }
    }
}
