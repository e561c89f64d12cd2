using System.Security.Cryptography;

namespace RegistryPortal.Security;

/// <summary>
/// The browser-facing headers of every response: a Content-Security-Policy that the Blazor circuit and MudBlazor work
/// under (scripts only from the portal itself, plus the one inline import map by a per-response nonce; MudBlazor sets
/// inline styles; the circuit's WebSocket is same-origin), no type sniffing, no referrer to other sites, and HSTS over
/// HTTPS. User files are sent by the artifact proxy as downloads (application/octet-stream, attachment).
/// </summary>
public static class SecurityHeaders
{
    private const string NonceItem = "RegistryPortal.CspNonce";

    /// <summary>The nonce the import map's inline script carries on this response.</summary>
    public static string NonceOf(HttpContext http) => http.Items[NonceItem] as string ?? "";

    public static string PolicyFor(string nonce) =>
        $"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        // Hex, not base64: '+' and '/' would be written HTML-encoded in the attribute, and are easy to get wrong.
        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        http.Items[NonceItem] = nonce;
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = PolicyFor(nonce);
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            if (http.Request.IsHttps) headers.StrictTransportSecurity = "max-age=31536000";
            return Task.CompletedTask;
        });
        await next(http);
    });
}
