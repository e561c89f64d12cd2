using Microsoft.Playwright;

namespace RegistryPortal.Bench;

/// <summary>
/// Debian's headless Chromium at /usr/bin/chromium, never Playwright's own download, with the flags a container without
/// a GPU, a sandbox or much /dev/shm needs, and no background traffic to skew a measure. The benchmark and the e2e
/// journeys both launch it through here.
/// </summary>
public static class DebianChromium
{
    private static readonly string[] Args =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ];

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = Args });
}
