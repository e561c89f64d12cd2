using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace RegistryPortal.Api;

/// <summary>
/// A per-address budget of failed API sign-ins (a fixed window, Api:FailedSignInsPerMinute, default 60): once an
/// address has spent it, its uncached credentials are refused with 429 and Retry-After until the window ends,
/// without the password hash being paid. Successful sign-ins cost nothing from the budget.
/// </summary>
public sealed class FailedSignInLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> failures;

    public FailedSignInLimiter(IOptions<ApiOptions> settings)
    {
        var perMinute = settings.Value.FailedSignInsPerMinute;
        failures = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
    }

    /// <summary>Whether the address has no failures left in this window, and when it may try again.</summary>
    public bool IsBlocked(IPAddress? address, out TimeSpan retryAfter)
    {
        // Asking for no permit tells whether any is left, without spending one.
        using var probe = failures.AttemptAcquire(Key(address), 0);
        retryAfter = probe.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
        return !probe.IsAcquired;
    }

    /// <summary>Spends one failure of the address's budget.</summary>
    public void CountFailure(IPAddress? address)
    {
        using var _ = failures.AttemptAcquire(Key(address));
    }

    private static string Key(IPAddress? address) => address?.ToString() ?? "unknown";

    public void Dispose() => failures.Dispose();
}
