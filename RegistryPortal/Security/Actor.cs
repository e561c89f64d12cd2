using System.Security.Claims;

namespace RegistryPortal.Security;

/// <summary>
/// Who performs a service call. Only the id is trusted: roles and grants are read from the database on
/// every call, so a changed role takes effect at once, whatever the caller (page, API, script).
/// </summary>
public sealed record Actor(string UserId)
{
    /// <summary>The actor of a signed-in principal, or null for an anonymous one.</summary>
    public static Actor? From(ClaimsPrincipal? principal) =>
        principal?.FindFirstValue(ClaimTypes.NameIdentifier) is { Length: > 0 } id ? new Actor(id) : null;
}
