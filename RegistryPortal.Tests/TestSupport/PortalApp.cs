using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Data;
using RegistryPortal.Security;

namespace RegistryPortal.Tests.TestSupport;

/// <summary>
/// The real app (its Program, middleware, Identity pages and antiforgery) in memory over its own temporary
/// SQLite folder, for tests of what a browser sends and gets back. A test class shares one.
/// </summary>
public sealed class PortalApp : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@http.test";
    public const string AdminPassword = "Http-Admin-Passw0rd!";

    private readonly string dataFolder;

    public PortalApp() : this(Directory.CreateTempSubdirectory("registryportal-http-").FullName) { }

    private PortalApp(string dataFolder) => this.dataFolder = dataFolder;

    /// <summary>Its data folder: registry.db and artifacts/.</summary>
    public string DataFolder => dataFolder;

    /// <summary>The app over an existing data folder (registry.db and artifacts/), which it deletes when disposed.</summary>
    public static PortalApp Over(string dataFolder) => new(dataFolder);

    protected override void ConfigureWebHost(IWebHostBuilder builder) => builder
        .UseSetting("Database:DataFolder", dataFolder)
        .UseSetting("Artifacts:Root", Path.Combine(dataFolder, "artifacts"))
        .UseSetting("Admin:Email", AdminEmail)
        .UseSetting("Admin:Password", AdminPassword);

    /// <summary>A browser-like client: keeps cookies, does not follow redirects (tests look at them).</summary>
    public HttpClient Browser() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public async Task<Actor> AdminAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return new Actor((await users.FindByEmailAsync(AdminEmail))!.Id);
    }

    /// <summary>A new account with a password, made by the admin through the service.</summary>
    public async Task<(Actor User, string Email, string Password)> UserAsync(params string[] roles)
    {
        var email = $"u{Guid.NewGuid():N}"[..12] + "@http.test";
        const string password = "User-Passw0rd!";
        var created = await Services.GetRequiredService<UserAdminService>().CreateAsync(await AdminAsync(), new NewUser(email, null, roles, password));
        return (new Actor(created.User.Id), email, password);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(dataFolder, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Reading and posting the app's server-rendered forms as a browser does.</summary>
public static partial class HttpForms
{
    /// <summary>The post forms of a page, each as its markup.</summary>
    public static IReadOnlyList<string> PostForms(string html) =>
        [.. FormRegex().Matches(html).Select(m => m.Value).Where(f => Regex.IsMatch(f, "method=\"post\"", RegexOptions.IgnoreCase))];

    /// <summary>The hidden fields of the form whose Blazor handler is <paramref name="handler"/> (or the first post form).</summary>
    public static Dictionary<string, string> HiddenFields(string html, string? handler = null)
    {
        var form = PostForms(html).FirstOrDefault(f => handler is null || f.Contains($"name=\"_handler\" value=\"{handler}\""))
            ?? throw new InvalidOperationException($"No post form '{handler}' in the page.");
        return HiddenRegex().Matches(form).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
    }

    public static async Task<string> GetPageAsync(this HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Fills the form <paramref name="handler"/> of the page at <paramref name="url"/> and posts it, with its antiforgery token.</summary>
    public static async Task<HttpResponseMessage> SubmitAsync(this HttpClient client, string url, string? handler, Dictionary<string, string> fields)
    {
        var hidden = HiddenFields(await client.GetPageAsync(url), handler);
        foreach (var (key, value) in fields) hidden[key] = value;
        return await client.PostAsync(url, new FormUrlEncodedContent(hidden));
    }

    public static Task<HttpResponseMessage> SignInAsync(this HttpClient client, string email, string password) =>
        client.SubmitAsync("/Account/Login", "login", new() { ["Input.Email"] = email, ["Input.Password"] = password });

    [GeneratedRegex("<form\\b.*?</form>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex FormRegex();

    [GeneratedRegex("<input[^>]*type=\"hidden\"[^>]*name=\"(?<name>[^\"]+)\"[^>]*value=\"(?<value>[^\"]*)\"", RegexOptions.IgnoreCase)]
    private static partial Regex HiddenRegex();
}
