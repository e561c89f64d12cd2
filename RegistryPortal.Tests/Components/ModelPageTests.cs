using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Components.Pages.Models;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Components;

public class ModelPageTests : PageTestContext
{
    [Fact]
    public async Task A_reader_sees_the_model_and_its_versions_newest_first_with_their_stages()
    {
        var (name, owner) = await Registry.ModelWithVersionsAsync(3, "fraud-detector");
        await Registry.Models.UpdateDescriptionAsync(owner, name, "# Fraud\nScores **transactions**.");
        await Registry.Models.SetTagAsync(owner, name, "team", "risk");
        await Registry.Stages.TransitionAsync(owner, name, 1, "Archived");
        await Registry.Stages.TransitionAsync(owner, name, 2, "Production");
        SignIn(await Registry.UserAsync(Roles.Reader));

        var page = RenderPage<ModelPage>(p => p.Add(x => x.Name, "fraud-detector"));

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[aria-label=Versions] tbody tr").Count));
        Assert.Equal("Fraud", page.Find(".markdown-body h1").TextContent);
        Assert.Equal("transactions", page.Find(".markdown-body strong").TextContent);
        Assert.Contains("team: risk", page.Markup);
        Assert.Contains("Your access: Read", page.Find("p:has(b)").ParentElement!.TextContent.Replace("\n", " "));
        var rows = page.FindAll("[aria-label=Versions] tbody tr");
        Assert.Equal(["Version 3", "Version 2", "Version 1"], rows.Select(r => r.QuerySelector("a")!.TextContent.Trim()));
        Assert.Equal(["None", "Production", "Archived"], rows.Select(r => r.QuerySelector("[data-stage]")!.GetAttribute("data-stage")));
        Assert.All(rows, r => Assert.Contains("User 1", r.TextContent));
    }

    [Fact]
    public async Task A_change_the_page_missed_shows_once_it_is_told_that_anything_may_have_changed()
    {
        var (name, owner) = await Registry.ModelWithVersionsAsync(1);
        SignIn(owner);
        var page = RenderPage<ModelPage>(p => p.Add(x => x.Name, name));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[aria-label=Versions] tbody tr")));

        // Written beneath the services, so no change is raised: as when another instance's notice was lost.
        await Registry.QueryAsync(async db =>
        {
            var model = await db.Models.SingleAsync(m => m.Name == name);
            model.Description = "Missed while the feed was down";
            return await db.SaveChangesAsync();
        });
        Assert.DoesNotContain("Missed while the feed was down", page.Markup);

        Services.GetRequiredService<RegistryChanges>().Publish([RegistryChange.Anything]);

        page.WaitForAssertion(() => Assert.Contains("Missed while the feed was down", page.Markup), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_description_cannot_inject_script()
    {
        var (name, owner) = await Registry.ModelWithVersionsAsync(0);
        await Registry.Models.UpdateDescriptionAsync(owner, name, "Hello <script>alert(1)</script> [x](javascript:alert(1))");
        SignIn(await Registry.UserAsync(Roles.Reader));

        var page = RenderPage<ModelPage>(p => p.Add(x => x.Name, name));

        page.WaitForAssertion(() => Assert.Contains("Hello", page.Find(".markdown-body").TextContent));
        Assert.Empty(page.FindAll(".markdown-body script"));
        Assert.DoesNotContain("javascript:", page.Find(".markdown-body").InnerHtml);
    }

    [Fact]
    public async Task A_model_that_does_not_exist_says_so_instead_of_an_empty_page()
    {
        SignIn(await Registry.UserAsync(Roles.Reader));

        var page = RenderPage<ModelPage>(p => p.Add(x => x.Name, "no-such-model"));

        page.WaitForAssertion(() => Assert.Contains("Registered model 'no-such-model' does not exist", page.Markup));
        Assert.Empty(page.FindAll("table"));
    }

    [Fact]
    public async Task A_user_who_may_not_read_the_model_is_told_it_does_not_exist()
    {
        var (name, _) = await Registry.ModelWithVersionsAsync(2, "secret-model");
        SignIn(await Registry.UserAsync());

        var page = RenderPage<ModelPage>(p => p.Add(x => x.Name, name));

        page.WaitForAssertion(() => Assert.Contains("does not exist", page.Markup));
        Assert.DoesNotContain("Version 1", page.Markup);
    }
}
