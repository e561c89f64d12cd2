using RegistryPortal.Security;

namespace RegistryPortal.Api;

/// <summary>Bearer tokens on the API are the users' personal access tokens.</summary>
public sealed class AccessTokenAuthenticator(AccessTokenService tokens) : IApiTokenAuthenticator
{
    public Task<Actor?> AuthenticateAsync(string token) => tokens.AuthenticateAsync(token);
}
