using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Components.Pages.Models;
using RegistryPortal.Domain;
using RegistryPortal.Tests.TestSupport;
using static RegistryPortal.Tests.TestSupport.ModelCardTestExtensions;

namespace RegistryPortal.Tests.Components.Pages.Models;

/// <summary>The model card on the version page, and the compare page's signatures, over real files and services.</summary>
public class ModelCardTests : PageTestContext
{
    private const string Inputs = """[{"type": "double", "name": "amount", "required": true}, {"type": "string", "name": "note", "required": false}]""";

    private IRenderedComponent<VersionPage> Version(string model, int number) =>
        RenderPage<VersionPage>(p => p.Add(x => x.Name, model).Add(x => x.Number, number));

    private static string[][] Rows(IRenderedComponent<VersionPage> page, string table) =>
        page.Find($"[aria-label='{table}'] table").QuerySelectorAll("tbody tr")
            .Select(r => r.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToArray()).ToArray();

    [Fact]
    public async Task A_version_with_MLmodel_shows_its_flavors_signature_input_example_and_snippets()
    {
        var owner = await Registry.UserAsync(Roles.Editor);
        var number = await Registry.VersionWithFilesAsync(owner, "carded", new Dictionary<string, string>
        {
            ["MLmodel"] = MlModelWithColumns(Inputs),
            ["input_example.json"] = """{"columns": ["amount", "note"], "data": [[1.5, "a"]]}""",
            ["requirements.txt"] = "scikit-learn==1.5.1\n",
        });
        await Registry.Aliases.SetAsync(owner, "carded", "champion", number);
        SignIn(await Registry.UserAsync(Roles.Reader));

        var page = Version("carded", number);

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[aria-label='Inputs'] table")));
        Assert.Equal([["amount", "double", "—", "no"], ["note", "string", "—", "yes"]], Rows(page, "Inputs"));
        Assert.Equal([["score", "double", "—", "no"]], Rows(page, "Outputs"));
        Assert.Equal("sklearn", Rows(page, "Flavors")[1][0]);
        Assert.Contains("sklearn_version: 1.5.1", Rows(page, "Flavors")[1][1]);
        Assert.Contains("\"amount\"", page.Find("pre[aria-label='Input example']").TextContent);
        Assert.Equal("scikit-learn==1.5.1\n", page.Find("pre[aria-label='Requirements']").TextContent);
        Assert.Equal("import mlflow\n\nmodel = mlflow.pyfunc.load_model(\"models:/carded@champion\")",
            page.Find("pre[aria-label='Load by alias @champion']").TextContent);
        Assert.Equal($"models/carded/versions/{number}/download.zip", page.FindAll("a").Single(a => a.TextContent.Contains("Download all")).GetAttribute("href"));
    }

    [Fact]
    public async Task Copying_a_snippet_puts_it_on_the_clipboard_and_says_so()
    {
        var owner = await Registry.UserAsync(Roles.Editor);
        var number = await Registry.VersionWithFilesAsync(owner, "copied", new Dictionary<string, string> { ["MLmodel"] = MlModelWithColumns(Inputs, null) });
        SignIn(owner);
        var page = Version("copied", number);
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("button[aria-label='Copy: Serve it with MLflow']")));

        page.Find("button[aria-label='Copy: Serve it with MLflow']").Click();

        // The click reaches the handler through the renderer's dispatcher, which a late re-render of the page may hold.
        page.WaitForAssertion(() => Assert.Single(JSInterop.Invocations, i => i.Identifier == "navigator.clipboard.writeText"));
        var call = JSInterop.Invocations.Single(i => i.Identifier == "navigator.clipboard.writeText");
        Assert.Equal($"mlflow models serve -m models:/copied/{number} -p 5001", call.Arguments[0]);
        page.WaitForAssertion(() => Assert.Equal("Copied", page.Find("button[aria-label='Copy: Serve it with MLflow']").TextContent.Trim()));
    }

    [Fact]
    public async Task A_new_alias_shows_in_the_snippets_without_a_reload()
    {
        var owner = await Registry.UserAsync(Roles.Editor);
        var number = await Registry.VersionWithFilesAsync(owner, "aliased", new Dictionary<string, string> { ["MLmodel"] = MlModelWithColumns(Inputs, null) });
        SignIn(owner);
        var page = Version("aliased", number);
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[aria-label='Load version 1']")));
        Assert.Empty(page.FindAll("[aria-label='Load by alias @challenger']"));

        await Registry.Aliases.SetAsync(owner, "aliased", "challenger", number);

        page.WaitForAssertion(() => Assert.EndsWith("load_model(\"models:/aliased@challenger\")", page.Find("[aria-label='Load by alias @challenger']").TextContent));
    }

    [Fact]
    public async Task A_version_without_MLmodel_says_so_plainly()
    {
        var owner = await Registry.UserAsync(Roles.Editor);
        var number = await Registry.VersionWithFilesAsync(owner, "bare", new Dictionary<string, string> { ["model.bin"] = "x" });
        SignIn(owner);

        var page = Version("bare", number);

        page.WaitForAssertion(() => Assert.Equal("This version has no MLmodel file, so the portal cannot tell its flavors or signature.",
            page.Find("[aria-label='MLmodel']").TextContent.Trim()));
        Assert.Empty(page.FindAll("[aria-label='Inputs'] table"));
        Assert.Equal([["1 B"], ["1"]], Rows(page, "Files"));
    }

    [Fact]
    public async Task Malformed_MLmodel_is_shown_as_such_on_the_page()
    {
        var owner = await Registry.UserAsync(Roles.Editor);
        var number = await Registry.VersionWithFilesAsync(owner, "broken", new Dictionary<string, string> { ["MLmodel"] = "flavors:\n  - a\n  b: c\n" });
        SignIn(owner);

        var page = Version("broken", number);

        page.WaitForAssertion(() => Assert.StartsWith("MLmodel is not valid YAML: line 3",
            page.Find("[aria-label='MLmodel']").TextContent.Trim()));
        Assert.Contains("Version 1", page.Markup); // the rest of the page is there
    }

    [Fact]
    public async Task Compare_marks_a_changed_input_column()
    {
        var owner = await Registry.UserAsync(Roles.Editor);
        await Registry.VersionWithFilesAsync(owner, "compared", new Dictionary<string, string> { ["MLmodel"] = MlModelWithColumns(Inputs, null) });
        await Registry.VersionWithFilesAsync(owner, "compared", new Dictionary<string, string>
        {
            ["MLmodel"] = MlModelWithColumns("""[{"type": "long", "name": "amount", "required": true}, {"type": "string", "name": "note", "required": false}]""", null),
        });
        SignIn(owner);
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(navigation.GetUriWithQueryParameter("versions", "1,2"));

        var page = RenderPage<ComparePage>(p => p.Add(x => x.Name, "compared"));

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[aria-label='Signature inputs'] table")));
        var rows = page.Find("[aria-label='Signature inputs'] table").QuerySelectorAll("tbody tr");
        var amount = rows.Single(r => r.QuerySelector("th")!.TextContent == "amount");
        var note = rows.Single(r => r.QuerySelector("th")!.TextContent == "note");
        Assert.Equal(["same", "changed"], amount.QuerySelectorAll("td").Select(td => td.GetAttribute("data-difference")));
        var changed = amount.QuerySelectorAll("td")[1];
        Assert.Equal(("long", "changed"), (changed.QuerySelector("span")!.TextContent, changed.QuerySelector(".compare-mark")!.TextContent.Trim()));
        Assert.Empty(amount.QuerySelectorAll("td")[0].QuerySelectorAll(".compare-mark"));
        Assert.Contains("compare-differs", amount.ClassName);
        Assert.DoesNotContain("compare-differs", note.ClassName ?? "");
    }
}
