using System.Net;
using RegistryPortal.Domain;

namespace RegistryPortal.Tests.Api;

/// <summary>model-versions/create refuses sources that point at the server's own files, as MLflow's server does.</summary>
[Collection(ApiCollection.Name)]
public class VersionSourceApiTests(ApiApp app)
{
    [Theory]
    [InlineData("/etc", "is a path on the server")]
    [InlineData("file:///etc/passwd", "is a path on the server")]
    [InlineData("s3://bucket/%2e%2e/x", "'..' segment")]
    [InlineData("s3://bucket/a\u0000b", "control character")]
    public async Task A_local_or_traversing_source_is_400_INVALID_PARAMETER_VALUE_and_registers_nothing(string source, string why)
    {
        var owner = await app.UserAsync(Roles.Editor);
        var name = ApiApp.Unique("src");
        await owner.Client.ApiPostAsync("registered-models/create", new { name });

        var answer = await owner.Client.ApiPostAsync("model-versions/create", new { name, source });

        JsonShape.Error(answer, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", null, why);
        JsonShape.Error(await owner.Client.ApiGetAsync($"model-versions/get?name={ApiCalls.Q(name)}&version=1"), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
    }
}
