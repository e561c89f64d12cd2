using MudBlazor;
using MudBlazor.Services;
using RegistryPortal.Components.Shared;

namespace RegistryPortal.Components.Layout;

/// <summary>
/// Where messages appear: bottom left, away from the page actions at the top right; one at a time, so they never
/// stack up over the page. Each message says itself whether a navigation clears it (<see cref="Messages.Say"/>).
/// </summary>
public static class SnackbarSettings
{
    public static void Apply(MudServicesConfiguration config)
    {
        var snackbars = config.SnackbarConfiguration;
        snackbars.PositionClass = Defaults.Classes.Position.BottomLeft;
        snackbars.MaxDisplayedSnackbars = 1;
        snackbars.NewestOnTop = true;
        snackbars.PreventDuplicates = true;
        snackbars.ClearAfterNavigation = false; // else also the message of the step that navigated would go
        snackbars.ShowCloseIcon = true;
    }
}
