using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace RegistryPortal.E2E;

/// <summary>
/// A training script's side of a journey: MLflow's REST calls as a user of the portal (HTTP Basic, as MLflow's client
/// sends MLFLOW_TRACKING_USERNAME/PASSWORD), each asserted to succeed, answers read as JSON.
/// </summary>
public sealed class MlflowApiClient(string baseUrl, TestUser user) : IDisposable
{
    private const string Artifacts = "/api/2.0/mlflow-artifacts/artifacts/";

    private readonly HttpClient http = new()
    {
        BaseAddress = new Uri(baseUrl),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user.Email}:{user.Password}"))) },
    };

    public Task<JsonNode> PostAsync(string path, object body) => SendAsync(HttpMethod.Post, path, body);

    public Task<JsonNode> PatchAsync(string path, object body) => SendAsync(HttpMethod.Patch, path, body);

    public Task<JsonNode> GetAsync(string pathAndQuery) => SendAsync(HttpMethod.Get, pathAndQuery, null);

    /// <summary>Uploads a file through the artifact proxy; <paramref name="artifactPath"/> is the path after <c>mlflow-artifacts:/</c>.</summary>
    public async Task PutFileAsync(string artifactPath, byte[] bytes)
    {
        using var put = await http.PutAsync(Artifacts + artifactPath, new ByteArrayContent(bytes));
        Assert.True(put.IsSuccessStatusCode, $"PUT {artifactPath}: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
    }

    /// <summary>Downloads a file of a <c>mlflow-artifacts:/…</c> folder URI through the artifact proxy.</summary>
    public Task<byte[]> GetFileAsync(string folderUri, string file) =>
        http.GetByteArrayAsync($"{Artifacts}{folderUri["mlflow-artifacts:/".Length..]}/{file}");

    /// <summary>A POST whose refusal is the point: the status and body as they came.</summary>
    public async Task<(System.Net.HttpStatusCode Status, string Body)> TryPostAsync(string path, object body)
    {
        using var response = await http.PostAsync($"/api/2.0/mlflow/{path}", JsonContent.Create(body));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, $"/api/2.0/mlflow/{path}") { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    public void Dispose() => http.Dispose();
}
