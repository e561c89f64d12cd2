using System.Net;
using System.Text.RegularExpressions;

namespace RegistryPortal.Tests.TestSupport;

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
