using System.Net;
using System.Text.RegularExpressions;
using RegistryPortal.Domain;

namespace RegistryPortal.Tests.Api;

/// <summary>Every response's security headers; pages carry a CSP whose nonce is the import map's, and user files download.</summary>
[Collection(ApiCollection.Name)]
public class SecurityHeaderTests(ApiApp app)
{
    [Fact]
    public async Task A_page_has_a_CSP_with_a_fresh_nonce_on_its_only_inline_script_nosniff_and_same_origin_referrers()
    {
        var client = app.Anonymous();

        using var first = await client.GetAsync("/Account/Login");
        using var second = await client.GetAsync("/Account/Login");
        var html = await first.Content.ReadAsStringAsync();

        var policy = first.Headers.GetValues("Content-Security-Policy").Single();
        var nonce = Regex.Match(policy, "script-src 'self' 'nonce-([^']+)'").Groups[1].Value;
        Assert.NotEmpty(nonce);
        Assert.Contains("default-src 'self'", policy);
        Assert.Contains("object-src 'none'", policy);
        Assert.Contains("frame-ancestors 'self'", policy);
        Assert.DoesNotContain("unsafe-inline", policy.Split(';').Single(d => d.Trim().StartsWith("script-src", StringComparison.Ordinal)));
        // Every inline script (one: the import map) carries the nonce; the others load from the portal by src.
        var inline = Regex.Matches(html, "<script(?![^>]*\\ssrc=)[^>]*>").Select(m => m.Value).ToList();
        Assert.Equal([$"<script type=\"importmap\" nonce=\"{nonce}\">"], inline);
        Assert.NotEqual(policy, second.Headers.GetValues("Content-Security-Policy").Single()); // a new nonce per response
        Assert.Equal("nosniff", first.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("same-origin", first.Headers.GetValues("Referrer-Policy").Single());
        Assert.False(first.Headers.Contains("Strict-Transport-Security")); // plain HTTP here; HSTS only over HTTPS
    }

    [Fact]
    public async Task API_answers_are_not_sniffed_and_an_artifact_is_always_a_download()
    {
        var user = await app.UserAsync(Roles.Editor);
        var path = $"/api/2.0/mlflow-artifacts/artifacts/headers-{Guid.NewGuid():N}/page.html";
        Assert.Equal(HttpStatusCode.OK, (await user.Client.PutAsync(path, new StringContent("<script>alert(1)</script>"))).StatusCode);

        using var file = await user.Client.GetAsync(path);
        var search = await user.Client.ApiGetAsync("registered-models/search");

        Assert.Equal("application/octet-stream", file.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", file.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("nosniff", file.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("nosniff", search.Message.Headers.GetValues("X-Content-Type-Options").Single());
    }
}
