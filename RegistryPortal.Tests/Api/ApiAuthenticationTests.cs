using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RegistryPortal.Api;
using RegistryPortal.Data;
using RegistryPortal.Domain;
using RegistryPortal.Security;

namespace RegistryPortal.Tests.Api;

/// <summary>Who may call the API: HTTP Basic or a Bearer token, never the portal's cookie; 401 in MLflow's JSON otherwise.</summary>
[Collection(ApiCollection.Name)]
public class ApiAuthenticationTests(ApiApp app)
{
    private const string NoCredentials =
        "Authentication is required: send HTTP Basic credentials (your user name or email and password) " +
        "or a personal access token as 'Authorization: Bearer <token>'.";

    [Fact]
    public async Task Without_credentials_every_endpoint_answers_401_UNAUTHENTICATED()
    {
        var client = app.Anonymous();

        var search = await client.ApiGetAsync("registered-models/search");
        var create = await client.ApiPostAsync("registered-models/create", new { name = ApiApp.Unique("anon") });
        var ajax = await client.ApiGetAsync("/ajax-api/2.0/mlflow/registered-models/search");

        JsonShape.Error(search, HttpStatusCode.Unauthorized, "UNAUTHENTICATED", NoCredentials);
        JsonShape.Error(create, HttpStatusCode.Unauthorized, "UNAUTHENTICATED", NoCredentials);
        JsonShape.Error(ajax, HttpStatusCode.Unauthorized, "UNAUTHENTICATED", NoCredentials);
        // A Basic challenge would make browsers ask for (and later replay) a password.
        Assert.Equal("Bearer realm=\"RegistryPortal\"", search.Message.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Basic_credentials_sign_in_by_email_or_by_user_name()
    {
        var user = await app.UserAsync(Roles.Reader);
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var stored = (await users.FindByIdAsync(user.Actor.UserId))!;
            await users.SetUserNameAsync(stored, "reader-" + stored.Id[..8]);
        }
        var userName = "reader-" + user.Actor.UserId[..8];

        var byEmail = await app.Basic(user.Email, ApiApp.UserPassword).ApiGetAsync("registered-models/search?max_results=1");
        var byUserName = await app.Basic(userName, ApiApp.UserPassword).ApiGetAsync("registered-models/search?max_results=1");

        Assert.Equal(HttpStatusCode.OK, byEmail.Status);
        Assert.Equal(HttpStatusCode.OK, byUserName.Status);
    }

    [Fact]
    public async Task A_wrong_password_or_unknown_user_is_401()
    {
        var user = await app.UserAsync(Roles.Reader);

        var wrong = await app.Basic(user.Email, "not-the-password").ApiGetAsync("registered-models/search");
        var unknown = await app.Basic("nobody@test.local", ApiApp.UserPassword).ApiGetAsync("registered-models/search");
        var garbled = app.Anonymous();
        garbled.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "%%%");

        JsonShape.Error(wrong, HttpStatusCode.Unauthorized, "UNAUTHENTICATED", "Invalid user name or password.");
        JsonShape.Error(unknown, HttpStatusCode.Unauthorized, "UNAUTHENTICATED", "Invalid user name or password.");
        JsonShape.Error(await garbled.ApiGetAsync("registered-models/search"), HttpStatusCode.Unauthorized, "UNAUTHENTICATED",
            "Malformed Basic credentials: expected base64 of 'user:password'.");
    }

    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_account_out_as_the_sign_in_page_does()
    {
        var user = await app.UserAsync(Roles.Reader);
        var wrong = app.Basic(user.Email, "wrong-password");
        for (var i = 0; i < 5; i++) await wrong.ApiGetAsync("registered-models/search");

        var right = await user.Client.ApiGetAsync("registered-models/search");

        JsonShape.Error(right, HttpStatusCode.Unauthorized, "UNAUTHENTICATED",
            "This account is locked out after too many failed sign-ins. Try again later, or ask an admin.");
    }

    [Fact]
    public async Task An_unknown_Bearer_token_is_refused_with_a_clear_message()
    {
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "some-token");

        JsonShape.Error(await client.ApiGetAsync("registered-models/search"), HttpStatusCode.Unauthorized, "UNAUTHENTICATED",
            "Invalid, expired or revoked access token.");
    }

    [Fact]
    public async Task A_Bearer_token_signs_in_as_its_user_once_a_token_service_is_registered()
    {
        var user = await app.UserAsync(Roles.Editor);
        var tokens = new FakeTokens(new Dictionary<string, Actor> { ["token-of-editor"] = user.Actor });
        await using var withTokens = app.Factory.WithWebHostBuilder(b =>
            b.ConfigureTestServices(s => s.AddSingleton<IApiTokenAuthenticator>(tokens)));
        var client = withTokens.CreateClient();
        var name = ApiApp.Unique("bearer");

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "token-of-editor");
        var created = await client.ApiPostAsync("registered-models/create", new { name });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "token-of-nobody");
        var refused = await client.ApiGetAsync("registered-models/search");

        Assert.Equal(HttpStatusCode.OK, created.Status);
        Assert.Equal(user.DisplayName, (string?)created.Json["registered_model"]!["user_id"]);
        JsonShape.Error(refused, HttpStatusCode.Unauthorized, "UNAUTHENTICATED", "Invalid, expired or revoked access token.");
    }

    [Fact]
    public async Task The_portals_sign_in_cookie_does_not_authenticate_API_calls()
    {
        var user = await app.UserAsync(Roles.Manager);
        var cookie = await SignInCookieAsync(user);
        var browser = app.Anonymous();
        browser.DefaultRequestHeaders.Add("Cookie", cookie);
        browser.DefaultRequestHeaders.Add("X-Registry-Upload", "1");

        // The cookie is a real sign-in: the portal's own upload endpoint accepts it, and refuses without it.
        var portal = await browser.DeleteAsync($"/uploads/{Guid.NewGuid()}");
        var portalWithoutCookie = await app.Anonymous().DeleteAsync($"/uploads/{Guid.NewGuid()}");
        var api = await browser.ApiPostAsync("registered-models/create", new { name = ApiApp.Unique("csrf") });

        Assert.Equal(HttpStatusCode.NoContent, portal.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, portalWithoutCookie.StatusCode);
        JsonShape.Error(api, HttpStatusCode.Unauthorized, "UNAUTHENTICATED", NoCredentials);
    }

    [Fact]
    public async Task A_form_post_is_refused_so_a_cross_site_form_cannot_call_the_API()
    {
        var user = await app.UserAsync(Roles.Editor);
        var name = ApiApp.Unique("form");
        var form = new StringContent($"{{\"name\": \"{name}\"}}", Encoding.UTF8, "text/plain");

        var response = await user.Client.PostAsync(ApiCalls.Prefix + "registered-models/create", form);
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync());

        JsonShape.Error(new ApiResponse(response.StatusCode, body, response), HttpStatusCode.BadRequest, "BAD_REQUEST",
            "Send the request's fields as JSON with 'Content-Type: application/json', not as text/plain.");
        JsonShape.Error(await user.Client.ApiGetAsync($"registered-models/get?name={name}"), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
    }

    [Fact]
    public async Task Unknown_paths_and_methods_under_the_prefix_are_ENDPOINT_NOT_FOUND()
    {
        var admin = app.Admin();

        var unknown = await admin.ApiGetAsync("registered-models/list");
        var wrongMethod = await admin.ApiGetAsync("registered-models/create");
        var ajax = await admin.CallAsync(HttpMethod.Patch, "/ajax-api/2.0/mlflow/comments/create", new { id = "1", comment = "x" });

        JsonShape.Error(unknown, HttpStatusCode.NotFound, "ENDPOINT_NOT_FOUND", "No API endpoint found for GET /api/2.0/mlflow/registered-models/list");
        JsonShape.Error(wrongMethod, HttpStatusCode.NotFound, "ENDPOINT_NOT_FOUND", "No API endpoint found for GET /api/2.0/mlflow/registered-models/create");
        JsonShape.Error(ajax, HttpStatusCode.NotFound, "ENDPOINT_NOT_FOUND", "No API endpoint found for PATCH /ajax-api/2.0/mlflow/comments/create");
    }

    [Fact]
    public async Task Malformed_JSON_is_BAD_REQUEST()
    {
        var admin = app.Admin();

        var notJson = await admin.CallAsync(HttpMethod.Post, "registered-models/create", "{\"name\": ");
        var notAnObject = await admin.CallAsync(HttpMethod.Post, "registered-models/create", "[1, 2]");

        JsonShape.Error(notJson, HttpStatusCode.BadRequest, "BAD_REQUEST", null, "Malformed request: the body is not valid JSON");
        JsonShape.Error(notAnObject, HttpStatusCode.BadRequest, "BAD_REQUEST", "Malformed request: the body must be a JSON object of the request's fields.");
    }

    [Fact]
    public async Task The_ajax_api_prefix_serves_the_same_endpoints()
    {
        var user = await app.UserAsync(Roles.Editor);
        var name = ApiApp.Unique("ajax");

        var created = await user.Client.ApiPostAsync("/ajax-api/2.0/mlflow/registered-models/create", new { name });
        var got = await user.Client.ApiGetAsync($"registered-models/get?name={name}");

        Assert.Equal(HttpStatusCode.OK, created.Status);
        Assert.Equal(name, (string?)got.Json["registered_model"]!["name"]);
    }

    /// <summary>The Identity cookie the sign-in page would set for <paramref name="user"/>.</summary>
    private async Task<string> SignInCookieAsync(ApiUser user)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<ApplicationUser>>();
        var stored = (await signIn.UserManager.FindByIdAsync(user.Actor.UserId))!;
        var principal = await signIn.CreateUserPrincipalAsync(stored);
        var options = app.Factory.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme);
        var ticket = new AuthenticationTicket(principal, IdentityConstants.ApplicationScheme);
        return $"{options.Cookie.Name}={options.TicketDataFormat.Protect(ticket)}";
    }

    private sealed class FakeTokens(IReadOnlyDictionary<string, Actor> tokens) : IApiTokenAuthenticator
    {
        public Task<Actor?> AuthenticateAsync(string token) => Task.FromResult(tokens.GetValueOrDefault(token));
    }
}
