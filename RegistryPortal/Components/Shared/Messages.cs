using MudBlazor;

namespace RegistryPortal.Components.Shared;

/// <summary>The one way pages show a message: it replaces the one shown, and goes when the user navigates.</summary>
public static class Messages
{
    /// <param name="leadsToNavigation">
    /// The step that showed it moves to another page (created, renamed, deleted): the message speaks of that move,
    /// so navigations leave it until it times out or the next message replaces it.
    /// </param>
    public static void Say(this ISnackbar snackbars, string message, Severity severity, bool leadsToNavigation = false)
    {
        snackbars.Clear();
        snackbars.Add(message, severity, options => options.CloseAfterNavigation = !leadsToNavigation);
    }
}
