using MudBlazor;

namespace RegistryPortal.Components.Layout;

public static class RegistryTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight { Primary = "#1f5fa8", AppbarBackground = "#16324f" },
        // System fonts only: no font CDN is reachable from a closed network.
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"] },
        },
    };
}
