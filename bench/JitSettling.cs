using System.Diagnostics;
using System.Runtime;

namespace RegistryPortal.Bench;

/// <summary>
/// Waits while a workload runs until the JIT has (nearly) stopped compiling: .NET first runs methods unoptimised
/// and recompiles the busy ones in the background, which on two cores takes a minute or more of a write path
/// through ASP.NET Core and EF Core. Figures taken before that measure the compiler, not the portal.
/// </summary>
public static class JitSettling
{
    private const int QuietMethodsPerSecond = 5;
    private const int QuietSeconds = 3;

    /// <summary>Returns after at least <paramref name="least"/>, once 3 s in a row pass with few compilations, or at <paramref name="most"/>.</summary>
    public static async Task<string> WaitAsync(TimeSpan least, TimeSpan most)
    {
        var watch = Stopwatch.StartNew();
        var compiled = JitInfo.GetCompiledMethodCount();
        var quiet = 0;
        while (true)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var now = JitInfo.GetCompiledMethodCount();
            var perSecond = now - compiled;
            compiled = now;
            quiet = perSecond <= QuietMethodsPerSecond ? quiet + 1 : 0;
            if (watch.Elapsed >= least && quiet >= QuietSeconds)
                return $"{watch.Elapsed.TotalSeconds:0} s, the last {QuietSeconds} s with the JIT compiling ≤ {QuietMethodsPerSecond} methods a second";
            if (watch.Elapsed >= most)
                return $"stopped at {watch.Elapsed.TotalSeconds:0} s with the JIT still compiling {perSecond} methods a second";
        }
    }
}
