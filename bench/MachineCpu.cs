namespace RegistryPortal.Bench;

/// <summary>
/// The CPU time every process on the machine has used (Linux's /proc/stat), so a figure can say what one write cost
/// with the database server's share in it: when the cores are saturated, writes a second = cores ÷ that cost.
/// </summary>
public static class MachineCpu
{
    /// <summary>Busy time since boot (user, nice, system, irq, softirq, steal); zero where /proc/stat is missing.</summary>
    public static TimeSpan Busy()
    {
        if (!File.Exists("/proc/stat")) return TimeSpan.Zero;
        // "cpu  user nice system idle iowait irq softirq steal …" in clock ticks (USER_HZ, 100 a second on Linux).
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long[] busy = [.. new[] { 1, 2, 3, 6, 7, 8 }.Select(i => long.Parse(fields[i]))];
        return TimeSpan.FromMilliseconds(busy.Sum() * 10.0);
    }
}
