using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using RegistryPortal.Cli.Output;

namespace RegistryPortal.Cli;

/// <summary>
/// The portal's HTTP API as the commands need it: MLflow's JSON calls under /api/2.0/mlflow/ and the
/// artifact proxy. Every call sends the personal access token; a refused token and an unreachable portal
/// become their one-line messages here (the same for every command), other refusals an <see cref="ApiError"/>.
/// One client serves one command: <paramref name="ct"/> is its cancellation (Ctrl+C), applied to every call.
/// </summary>
internal sealed class RegistryClient(HttpClient http, Uri portal, string token, CancellationToken ct)
{
    private const string Api = "api/2.0/mlflow/";
    private const string Artifacts = "api/2.0/mlflow-artifacts/artifacts";

    public Task<JsonObject> GetAsync(string path, params (string Key, string? Value)[] query) =>
        JsonAsync(new HttpRequestMessage(HttpMethod.Get, Url(Api + path, query)));

    public Task<JsonObject> PostAsync(string path, object body) =>
        JsonAsync(new HttpRequestMessage(HttpMethod.Post, Url(Api + path)) { Content = JsonContent.Create(body) });

    public Task<JsonObject> DeleteAsync(string path, object body) =>
        JsonAsync(new HttpRequestMessage(HttpMethod.Delete, Url(Api + path)) { Content = JsonContent.Create(body) });

    /// <summary>Streams a local file to the artifact store at <paramref name="artifactPath"/> (no buffering: models can be large).</summary>
    public async Task UploadAsync(string artifactPath, string file)
    {
        await using var content = File.OpenRead(file);
        var request = new HttpRequestMessage(HttpMethod.Put, Url($"{Artifacts}/{Escape(artifactPath)}")) { Content = new StreamContent(content) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        await JsonAsync(request);
    }

    /// <summary>The entries of an artifact folder, with names relative to it.</summary>
    public async Task<IReadOnlyList<(string Path, bool IsDir)>> ListAsync(string folder)
    {
        var answer = await JsonAsync(new HttpRequestMessage(HttpMethod.Get, Url(Artifacts, ("path", folder))));
        return (answer["files"] as JsonArray ?? []).Select(f => (Json.Text(f, "path"), f?["is_dir"]?.GetValue<bool>() ?? false)).ToList();
    }

    /// <summary>Streams one artifact into <paramref name="target"/>: written beside it first, renamed when complete.</summary>
    public async Task<long> DownloadAsync(string artifactPath, string target)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, Url($"{Artifacts}/{Escape(artifactPath)}")),
            HttpCompletionOption.ResponseHeadersRead);
        await ThrowIfFailedAsync(response);
        var partial = target + ".partial";
        try
        {
            await using (var file = File.Create(partial))
                await response.Content.CopyToAsync(file, ct);
            File.Move(partial, target, overwrite: true);
        }
        catch
        {
            File.Delete(partial); // a half-written file must not pass for the model's
            throw;
        }
        return new FileInfo(target).Length;
    }

    private async Task<JsonObject> JsonAsync(HttpRequestMessage request)
    {
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead);
        await ThrowIfFailedAsync(response);
        return await ReadJsonAsync(response) ?? throw NotThePortal(response);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion)
    {
        using (request)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            try
            {
                return await http.SendAsync(request, completion, ct);
            }
            catch (HttpRequestException e)
            {
                throw new CliException($"Cannot reach the portal at {portal} ({Reason(e)}); check --url / REGISTRY_URL and that the portal is running");
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new CliException($"Cannot reach the portal at {portal} (no answer within {http.Timeout.TotalSeconds:0} s); check --url / REGISTRY_URL and that the portal is running");
            }
        }
    }

    private async Task ThrowIfFailedAsync(HttpResponseMessage response)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await ReadJsonAsync(response);
        var message = body?["message"]?.GetValue<string>();
        if (response.StatusCode == HttpStatusCode.Unauthorized)
            throw new CliException($"The token was refused ({message ?? "401 Unauthorized"}); create a new one under your account's Access tokens and set REGISTRY_TOKEN");
        if (body?["error_code"]?.GetValue<string>() is not { } code || message is null) throw NotThePortal(response);
        throw new ApiError((int)response.StatusCode, code, message);
    }

    private async Task<JsonObject?> ReadJsonAsync(HttpResponseMessage response)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/json") return null;
        try
        {
            return JsonNode.Parse(await response.Content.ReadAsStringAsync(ct)) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // Another web server at the URL (or a proxy's error page) answers, but not with MLflow's JSON.
    private CliException NotThePortal(HttpResponseMessage response) =>
        new($"The server at {portal} answered {(int)response.StatusCode} {response.ReasonPhrase} without the portal's JSON; check that --url / REGISTRY_URL is the portal's address");

    private static string Reason(HttpRequestException e) => e.HttpRequestError switch
    {
        HttpRequestError.ConnectionError => "connection refused or failed",
        HttpRequestError.NameResolutionError => "host name not found",
        HttpRequestError.SecureConnectionError => "TLS connection failed",
        _ => e.Message,
    };

    private Uri Url(string path, params (string Key, string? Value)[] query)
    {
        var pairs = query.Where(q => q.Value is not null).Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value!)}");
        var queryString = string.Join('&', pairs);
        return new Uri(portal, queryString.Length == 0 ? path : $"{path}?{queryString}");
    }

    // Each segment escaped, the slashes kept: the proxy's route takes the rest of the path as the artifact's.
    private static string Escape(string artifactPath) => string.Join('/', artifactPath.Split('/').Select(Uri.EscapeDataString));
}
