using Microsoft.AspNetCore.Components.Authorization;
using RegistryPortal.Security;

namespace RegistryPortal.Components.Shared;

public static class CurrentActor
{
    /// <summary>The signed-in user as the services know them. Pages are behind sign-in, so there always is one.</summary>
    public static async Task<Actor> OfAsync(Task<AuthenticationState> authenticationState) =>
        Actor.From((await authenticationState).User)
        ?? throw new InvalidOperationException("This page needs a signed-in user.");
}
