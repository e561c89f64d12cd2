using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace RegistryPortal.Webhooks;

/// <summary>What a receiver answered to one attempt (no status code when it could not be reached or timed out).</summary>
public sealed record SendResult(int? StatusCode, string Response, int LatencyMs)
{
    public string Response { get; } = Response.Length > WebhookRules.MaxStoredResponse ? Response[..WebhookRules.MaxStoredResponse] : Response;

    public bool Succeeded => StatusCode is >= 200 and < 300;
}

/// <summary>
/// Sends one webhook request: signed, with a timeout, never following a redirect, connecting only to addresses that are
/// not link-local or metadata ones (checked after DNS, on the address actually connected to), reading at most
/// <see cref="WebhookRules.MaxStoredResponse"/> characters of the answer.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    public const string DeliveryIdHeader = "X-Databricks-Delivery-Id";
    public const string SignatureHeader = "X-Databricks-Signature";

    private readonly IOptions<WebhookOptions> options;
    private readonly IDataProtector protector;
    private readonly HttpClient verifying;
    private readonly HttpClient trustingAnyCertificate;

    public WebhookSender(IOptions<WebhookOptions> options, IDataProtectionProvider protection)
    {
        this.options = options;
        protector = protection.CreateProtector("RegistryPortal.Webhooks.Secrets");
        verifying = new HttpClient(Handler(verifySsl: true)) { Timeout = Timeout.InfiniteTimeSpan };
        trustingAnyCertificate = new HttpClient(Handler(verifySsl: false)) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>A secret as it is stored: encrypted with the portal's Data Protection keys (shared by every instance).</summary>
    public string? Protect(string? secret) => secret is null ? null : protector.Protect(secret);

    /// <summary>The hex HMAC-SHA256 of the body with the secret: what receivers compare X-Databricks-Signature with.</summary>
    public static string Sign(string secret, byte[] body) => Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public async Task<SendResult> SendAsync(Webhook hook, string deliveryId, string payload, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        SendResult Failed(string why) => new(null, why, (int)watch.ElapsedMilliseconds);
        Uri uri;
        try { uri = WebhookRules.CheckUrl(hook.Url, options.Value); }
        catch (Domain.RegistryError e) { return Failed(e.Message); }

        var body = Encoding.UTF8.GetBytes(payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        request.Headers.Add(DeliveryIdHeader, deliveryId);
        request.Headers.UserAgent.ParseAdd("RegistryPortal-Webhooks/1");
        if (hook.ProtectedSecret is { } secret) request.Headers.Add(SignatureHeader, Sign(protector.Unprotect(secret), body));
        if (hook.ProtectedAuthorization is { } authorization) request.Headers.TryAddWithoutValidation("Authorization", protector.Unprotect(authorization));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.Timeout);
        try
        {
            var client = hook.VerifySsl ? verifying : trustingAnyCertificate;
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var text = await ReadCappedAsync(response, timeout.Token);
            var status = (int)response.StatusCode;
            if (status is >= 300 and < 400)
                text = $"Redirect to {response.Headers.Location} not followed: webhooks are sent only to the URL given. {text}";
            return new SendResult(status, text, (int)watch.ElapsedMilliseconds);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Failed($"No answer within {options.Value.TimeoutSeconds:0.###} s.");
        }
        catch (HttpRequestException e)
        {
            return Failed($"Could not reach the receiver: {e.InnerException?.Message ?? e.Message}");
        }
    }

    private static async Task<string> ReadCappedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[WebhookRules.MaxStoredResponse * 2];
        var filled = 0;
        int read;
        while (filled < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(filled), ct)) > 0) filled += read;
        return Encoding.UTF8.GetString(buffer, 0, filled);
    }

    private static SocketsHttpHandler Handler(bool verifySsl) => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = ConnectSafelyAsync,
        SslOptions = verifySsl ? new SslClientAuthenticationOptions() : new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true },
    };

    /// <summary>Resolves the host and connects to its addresses, refusing them all if any is link-local or a metadata address.</summary>
    private static async ValueTask<Stream> ConnectSafelyAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        if (addresses.FirstOrDefault(WebhookRules.IsForbidden) is { } forbidden)
            throw new HttpRequestException($"{host} resolves to {forbidden}, a link-local or metadata address: refused.");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        verifying.Dispose();
        trustingAnyCertificate.Dispose();
    }
}
