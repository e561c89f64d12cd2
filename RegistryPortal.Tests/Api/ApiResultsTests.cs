using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Api;
using RegistryPortal.Domain;
using RegistryPortal.Security;

namespace RegistryPortal.Tests.Api;

/// <summary>How refusals become MLflow's error answers, for every kind a service throws, and unexpected failures.</summary>
public class ApiResultsTests
{
    private static async Task<(int Status, JsonNode Body)> ExecuteAsync(IResult result)
    {
        var http = NewContext();
        await result.ExecuteAsync(http);
        http.Response.Body.Position = 0;
        return (http.Response.StatusCode, JsonNode.Parse(http.Response.Body)!);
    }

    private static DefaultHttpContext NewContext()
    {
        var http = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider(),
        };
        http.Response.Body = new MemoryStream();
        return http;
    }

    [Theory]
    [InlineData(ErrorKind.NotFound, 404, "RESOURCE_DOES_NOT_EXIST")]
    [InlineData(ErrorKind.AlreadyExists, 400, "RESOURCE_ALREADY_EXISTS")]
    [InlineData(ErrorKind.InvalidValue, 400, "INVALID_PARAMETER_VALUE")]
    [InlineData(ErrorKind.PermissionDenied, 403, "PERMISSION_DENIED")]
    [InlineData(ErrorKind.Conflict, 409, "RESOURCE_CONFLICT")]
    public async Task Each_kind_of_refusal_has_MLflows_code_and_status_and_keeps_the_services_message(ErrorKind kind, int status, string code)
    {
        var (actualStatus, body) = await ExecuteAsync(ApiResults.From(new RegistryError(kind, "What went wrong, and what to do.")));

        Assert.Equal(status, actualStatus);
        Assert.Equal($$"""{"error_code":"{{code}}","message":"What went wrong, and what to do."}""", body.ToJsonString());
    }

    [Fact]
    public async Task Missing_models_versions_and_taken_names_get_MLflows_messages()
    {
        var model = await ExecuteAsync(ApiResults.From(new RegistryError(ErrorKind.NotFound, "x") { Subject = new ErrorSubject("fraud") }));
        var version = await ExecuteAsync(ApiResults.From(new RegistryError(ErrorKind.NotFound, "x") { Subject = new ErrorSubject("fraud", 3) }));
        var taken = await ExecuteAsync(ApiResults.From(new RegistryError(ErrorKind.AlreadyExists, "x") { Subject = new ErrorSubject("Fraud") }));

        Assert.Equal("Registered Model with name=fraud not found", (string?)model.Body["message"]);
        Assert.Equal("Model Version (name=fraud, version=3) not found", (string?)version.Body["message"]);
        Assert.Equal("Registered Model (name=Fraud) already exists.", (string?)taken.Body["message"]);
        Assert.Equal((400, "RESOURCE_ALREADY_EXISTS"), (taken.Status, (string?)taken.Body["error_code"]));
    }

    [Fact]
    public async Task An_unexpected_failure_is_INTERNAL_ERROR_500_without_its_details()
    {
        var http = NewContext();
        http.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, "user-1")], "test"));
        http.Request.Method = "GET";

        var result = await ApiResults.RunAsync(http, (_, _, _) => throw new InvalidOperationException("secret detail"));
        var (status, body) = await ExecuteAsync(result);

        Assert.Equal(500, status);
        Assert.Equal("""{"error_code":"INTERNAL_ERROR","message":"The server failed to handle this request; the error is in its log."}""", body.ToJsonString());
    }

    [Fact]
    public async Task The_handler_gets_the_signed_in_actor()
    {
        var http = NewContext();
        http.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, "user-1")], "test"));
        http.Request.Method = "GET";
        Actor? seen = null;

        await ApiResults.RunAsync(http, (_, actor, _) => { seen = actor; return Task.FromResult<object>(new { }); });

        Assert.Equal(new Actor("user-1"), seen);
    }
}
