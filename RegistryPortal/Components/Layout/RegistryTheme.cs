using MudBlazor;

namespace RegistryPortal.Components.Layout;

public static class RegistryTheme
{
    public static readonly MudTheme Theme = new()
    {
        // Status colours darker than MudBlazor's: white text on chips and buttons, and coloured text on alerts,
        // reach WCAG AA contrast (4.5:1; the defaults give 2.2–3.7).
        PaletteLight = new PaletteLight
        {
            Primary = "#1f5fa8", Secondary = "#ad1457", AppbarBackground = "#16324f",
            Success = "#2e7d32", Warning = "#b45309", Info = "#0277bd", Error = "#c62828",
        },
        // System fonts only: no font CDN is reachable from a closed network.
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"] },
        },
    };
}
