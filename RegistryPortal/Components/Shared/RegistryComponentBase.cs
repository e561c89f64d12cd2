using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using RegistryPortal.Domain;
using RegistryPortal.Security;

namespace RegistryPortal.Components.Shared;

/// <summary>What registry pages share: the signed-in actor, and service refusals shown as messages.</summary>
public abstract class RegistryComponentBase : ComponentBase
{
    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Inject]
    protected ISnackbar Snackbar { get; set; } = default!;

    protected Task<Actor> ActorAsync() => CurrentActor.OfAsync(AuthenticationState);

    /// <summary>Runs a change; a refusal appears as its message, a success as <paramref name="done"/>.</summary>
    /// <param name="leadsToNavigation">The caller moves to another page on success (see <see cref="Messages.Say"/>).</param>
    /// <returns>True when the change was made.</returns>
    protected async Task<bool> TryAsync(Func<Actor, Task> change, string? done = null, bool leadsToNavigation = false)
    {
        try
        {
            await change(await ActorAsync());
            if (done is not null) Snackbar.Say(done, Severity.Success, leadsToNavigation);
            return true;
        }
        catch (RegistryError e)
        {
            Snackbar.Say(e.Message, e.Kind == ErrorKind.Conflict ? Severity.Warning : Severity.Error);
            return false;
        }
    }
}
