using System.Net;
using RegistryPortal.Domain;

namespace RegistryPortal.Tests.Api;

/// <summary>The app on Kestrel: a real server decodes and normalises request paths, which an in-memory one does not.</summary>
public sealed class KestrelApiApp() : ApiApp(new Dictionary<string, string?>(), onKestrel: true);

/// <summary>
/// Paths with encoded escapes are refused both ways with a 400 that says why, as sent (a server that normalised
/// "run1/%2E%2E/x" into "x" would write where the client did not mean), and nothing is written anywhere.
/// </summary>
public class ArtifactPathEscapeTests(KestrelApiApp app) : IClassFixture<KestrelApiApp>
{
    [Theory]
    [InlineData("..%2F..%2Fetc")]
    [InlineData("%2E%2E/x")]
    [InlineData("a%5C..%5C..%5Cb")]
    [InlineData("run1/%2E%2E/%2E%2E/x")]
    [InlineData("run1/%2e%2E%2Fx")]
    [InlineData("run1/%2E%2E/x")]
    [InlineData("run1/sub/%2E%2E/x")]
    public async Task An_encoded_escape_is_refused_with_a_clear_400_both_ways_and_nothing_is_written_outside(string path)
    {
        var client = (await app.UserAsync(Roles.Editor)).Client;
        var dataFolder = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(app.ArtifactRoot))!;
        string[] Everything() => [.. Directory.GetFiles(dataFolder, "*", SearchOption.AllDirectories).Where(f => !f.Contains("registry.db", StringComparison.Ordinal))];
        var before = Everything();
        // Sent as written: System.Uri would otherwise decode %2E and drop the dot segments before the server saw them.
        var uri = new Uri($"{client.BaseAddress!.GetLeftPart(UriPartial.Authority)}/api/2.0/mlflow-artifacts/artifacts/{path}",
            new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });

        var put = await client.SendAsync(new HttpRequestMessage(HttpMethod.Put, uri) { Content = new ByteArrayContent([1, 2, 3]) });
        var get = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, uri));

        foreach (var response in new[] { put, get })
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.RequestMessage!.Method} {path}: {(int)response.StatusCode} {body}");
            Assert.Contains("INVALID_PARAMETER_VALUE", body);
            Assert.Contains("is not a valid artifact path", body);
        }
        Assert.Equal(before, Everything());
    }
}
