using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RegistryPortal.Data;
using RegistryPortal.Security;

namespace RegistryPortal.Api;

/// <summary>
/// Checks a personal access token sent as <c>Authorization: Bearer &lt;token&gt;</c>: the actor it belongs
/// to, or null when it is unknown, expired or revoked. Security/'s token service implements this; while
/// none is registered, every Bearer token is refused.
/// </summary>
public interface IApiTokenAuthenticator
{
    Task<Actor?> AuthenticateAsync(string token);
}

/// <summary>
/// How MLflow's clients sign in: HTTP Basic (MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD, the user
/// name or email and the password, with Identity's lockout) or a Bearer personal access token
/// (MLFLOW_TRACKING_TOKEN). Only these: the portal's cookie never authenticates an API call, so another
/// site cannot make a signed-in browser call the API (cross-site request forgery).
/// </summary>
public sealed class ApiAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    UserManager<ApplicationUser> users, SignInManager<ApplicationUser> signIn, BasicCredentialCache verified, FailedSignInLimiter failures)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "RegistryApi";

    /// <summary>Set on a request refused for its address's failed sign-ins: the challenge answers 429 with this Retry-After.</summary>
    private const string RetryAfterItem = "RegistryApi.RetryAfter";

    private const string MissingCredentials =
        "Authentication is required: send HTTP Basic credentials (your user name or email and password) " +
        "or a personal access token as 'Authorization: Bearer <token>'.";

    private const string BadCredentials = "Invalid user name or password.";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization.ToString(), out var header)) return AuthenticateResult.NoResult();
        if (header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase)) return await BasicAsync(header.Parameter);
        if (header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase)) return await BearerAsync(header.Parameter);
        return AuthenticateResult.Fail($"The '{header.Scheme}' authorization scheme is not supported: use Basic or Bearer.");
    }

    private async Task<AuthenticateResult> BasicAsync(string? parameter)
    {
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter ?? ""));
        }
        catch (FormatException)
        {
            return AuthenticateResult.Fail("Malformed Basic credentials: expected base64 of 'user:password'.");
        }
        var colon = decoded.IndexOf(':');
        if (colon <= 0) return AuthenticateResult.Fail("Malformed Basic credentials: expected base64 of 'user:password'.");
        var (login, password) = (decoded[..colon], decoded[(colon + 1)..]);

        // Verified a moment ago: one read of the account (its stamp and lock) instead of the password hash.
        var key = verified.KeyOf(login, password);
        if (verified.Find(key) is { } known)
        {
            var account = await users.Users.Where(u => u.Id == known.UserId)
                .Select(u => new { u.SecurityStamp, u.LockoutEnd }).FirstOrDefaultAsync(Context.RequestAborted);
            if (account is not null && account.SecurityStamp == known.SecurityStamp && !PermissionResolver.IsLockedOut(account.LockoutEnd))
                return Success(new Actor(known.UserId), known.UserName);
            verified.Forget(key);
        }
        if (Blocked() is { } blocked) return blocked;

        var user = await users.FindByNameAsync(login) ?? await users.FindByEmailAsync(login);
        if (user is null) return Failed(BadCredentials);
        // Counts failures and locks the account out like the sign-in page does; never issues a cookie.
        var result = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (result.IsLockedOut)
            return Failed("This account is locked out after too many failed sign-ins. Try again later, or ask an admin.");
        if (!result.Succeeded) return Failed(BadCredentials);
        verified.Remember(key, user.Id, user.UserName, user.SecurityStamp);
        return Success(new Actor(user.Id), user.UserName);
    }

    /// <summary>A refusal for an address that has spent its failed sign-ins (429 with Retry-After), or null.</summary>
    private AuthenticateResult? Blocked()
    {
        if (!failures.IsBlocked(Context.Connection.RemoteIpAddress, out var retryAfter)) return null;
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        Context.Items[RetryAfterItem] = seconds;
        return AuthenticateResult.Fail($"Too many failed sign-ins from your address: try again in {seconds} seconds.");
    }

    /// <summary>A refusal of wrong credentials, counted against the caller's address.</summary>
    private AuthenticateResult Failed(string message)
    {
        failures.CountFailure(Context.Connection.RemoteIpAddress);
        return AuthenticateResult.Fail(message);
    }

    private async Task<AuthenticateResult> BearerAsync(string? token)
    {
        if (string.IsNullOrWhiteSpace(token)) return AuthenticateResult.Fail("The Bearer token is empty.");
        if (Blocked() is { } blocked) return blocked;
        var tokens = Context.RequestServices.GetService<IApiTokenAuthenticator>();
        var actor = tokens is null ? null : await tokens.AuthenticateAsync(token.Trim());
        return actor is null
            ? Failed("Invalid, expired or revoked access token.")
            : Success(actor, null);
    }

    private AuthenticateResult Success(Actor actor, string? name)
    {
        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, actor.UserId) };
        if (name is not null) claims.Add(new Claim(ClaimTypes.Name, name));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        if (Context.Items[RetryAfterItem] is int seconds)
        {
            Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await ApiResults.Error(ApiErrorCode.RequestLimitExceeded, result.Failure?.Message ?? MissingCredentials).ExecuteAsync(Context);
            return;
        }
        // Bearer only: a Basic challenge would make browsers prompt for a password and then replay it
        // on cross-site requests, which is what keeping the cookie out of the API prevents.
        Response.Headers.WWWAuthenticate = "Bearer realm=\"RegistryPortal\"";
        await ApiResults.Error(ApiErrorCode.Unauthenticated, result.Failure?.Message ?? MissingCredentials).ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiResults.Error(ApiErrorCode.PermissionDenied, "You may not call this endpoint.").ExecuteAsync(Context);
}
