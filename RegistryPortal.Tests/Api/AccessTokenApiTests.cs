using System.Net;
using System.Net.Http.Headers;
using RegistryPortal.Domain;
using RegistryPortal.Search;
using RegistryPortal.Security;

namespace RegistryPortal.Tests.Api;

/// <summary>Personal access tokens as MLflow's client sends them: <c>Authorization: Bearer …</c>.</summary>
[Collection(ApiCollection.Name)]
public class AccessTokenApiTests(ApiApp app)
{
    [Fact]
    public async Task A_personal_access_token_authenticates_the_api_until_it_is_revoked()
    {
        var user = await app.UserAsync(Roles.Editor);
        var tokens = app.Service<AccessTokenService>();
        var created = await tokens.CreateAsync(user.Actor, "ci", DateTime.UtcNow.AddDays(30));
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.Secret);
        var name = ApiApp.Unique("tok");

        var made = await client.ApiPostAsync("registered-models/create", new { name });
        Assert.Equal(HttpStatusCode.OK, made.Status);
        Assert.Equal(user.DisplayName, (string?)made.Json["registered_model"]!["user_id"]);

        await tokens.RevokeAsync(user.Actor, created.Token.Id);
        var refused = await client.ApiGetAsync($"registered-models/get?name={name}");
        Assert.Equal((HttpStatusCode.Unauthorized, "UNAUTHENTICATED"), (refused.Status, (string?)refused.Json["error_code"]));
    }

    [Fact]
    public async Task A_made_up_token_is_refused()
    {
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AccessTokenService.SecretPrefix + "not-a-real-token");

        var refused = await client.ApiGetAsync("registered-models/search");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
    }
}
