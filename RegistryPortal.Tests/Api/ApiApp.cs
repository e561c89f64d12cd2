using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Data;
using RegistryPortal.Security;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Api;

/// <summary>
/// The real app in memory (a <see cref="PortalHost"/>) with passwords hashed cheaply for HTTP Basic. API test classes
/// share one (starting it takes seconds); each test makes its own users and uniquely named models.
/// </summary>
public class ApiApp : IAsyncLifetime
{
    public const string UserPassword = "Api-User-Passw0rd!";

    private readonly bool onKestrel;
    private int userCount;

    public ApiApp() : this(new Dictionary<string, string?>()) { }

    /// <summary>An app with some settings of its own (a small upload limit), for the tests about them; or on Kestrel, for what only a real server does.</summary>
    protected ApiApp(IReadOnlyDictionary<string, string?> settings, bool onKestrel = false)
    {
        Factory = new PortalHost { Settings = settings, FastPasswordHashing = true };
        this.onKestrel = onKestrel;
    }

    public string ArtifactRoot => Factory.ArtifactsFolder;

    public PortalHost Factory { get; }

    public ValueTask InitializeAsync()
    {
        if (onKestrel) Factory.StartOnKestrel();
        else Factory.Start();
        return ValueTask.CompletedTask;
    }

    public T Service<T>() where T : notnull => Factory.Service<T>();

    /// <summary>A client that sends no credentials and does not follow redirects.</summary>
    public HttpClient Anonymous() => Factory.Browser();

    public HttpClient Basic(string login, string password) => Factory.Basic(login, password);

    public HttpClient Admin() => Factory.AdminClient();

    /// <summary>A new user with the given roles, signed in over HTTP Basic by email.</summary>
    public async Task<ApiUser> UserAsync(params string[] roles)
    {
        var n = Interlocked.Increment(ref userCount);
        var email = $"apiuser{n}-{Guid.NewGuid():N}"[..20] + "@test.local";
        await using var scope = Factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, DisplayName = $"Api User {n}" };
        var created = await users.CreateAsync(user, UserPassword);
        if (!created.Succeeded) throw new InvalidOperationException(string.Join(" ", created.Errors.Select(e => e.Description)));
        foreach (var role in roles) await users.AddToRoleAsync(user, role);
        return new ApiUser(new Actor(user.Id), email, user.DisplayName, Basic(email, UserPassword));
    }

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}

public sealed record ApiUser(Actor Actor, string Email, string DisplayName, HttpClient Client);

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiApp>
{
    public const string Name = "api";
}

/// <summary>One API answer: its status and JSON body.</summary>
public sealed record ApiResponse(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Message)
{
    public JsonNode Json => Body ?? throw new InvalidOperationException($"The {(int)Status} answer had no JSON body.");

    public override string ToString() => $"{(int)Status} {Body?.ToJsonString()}";
}

public static class ApiCalls
{
    public const string Prefix = "/api/2.0/mlflow/";

    /// <summary>Calls <paramref name="path"/> (under /api/2.0/mlflow/ unless it starts with '/'), the body sent as JSON (or as it is, for HttpContent).</summary>
    public static async Task<ApiResponse> CallAsync(this HttpClient client, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path.StartsWith('/') ? path : Prefix + path);
        request.Content = body switch
        {
            null => null,
            HttpContent raw => raw, // an artifact's bytes, sent as they are
            _ => new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? json = null;
        if (text.Length > 0 && response.Content.Headers.ContentType?.MediaType == "application/json") json = JsonNode.Parse(text);
        return new ApiResponse(response.StatusCode, json, response);
    }

    public static Task<ApiResponse> ApiGetAsync(this HttpClient client, string pathAndQuery) => client.CallAsync(HttpMethod.Get, pathAndQuery);

    public static Task<ApiResponse> ApiPostAsync(this HttpClient client, string path, object body) => client.CallAsync(HttpMethod.Post, path, body);

    public static Task<ApiResponse> ApiPatchAsync(this HttpClient client, string path, object body) => client.CallAsync(HttpMethod.Patch, path, body);

    public static Task<ApiResponse> ApiDeleteAsync(this HttpClient client, string path, object? body = null) => client.CallAsync(HttpMethod.Delete, path, body);

    /// <summary>A query-string value, escaped.</summary>
    public static string Q(string value) => Uri.EscapeDataString(value);
}
