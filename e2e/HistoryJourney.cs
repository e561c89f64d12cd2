using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using RegistryPortal.Data;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using static Microsoft.Playwright.Assertions;

namespace RegistryPortal.E2E;

/// <summary>
/// Issue 16's history journey: version 1 went to Production three days ago, version 2 replaced it today. On the model
/// page the timeline shows both; picking an "as of" date before the promotion shows version 1 in Production, read-only,
/// and "Back to now" shows today's registry again.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class HistoryJourney(PortalFixture portal) : JourneyTest(portal)
{
    [Fact]
    public async Task Picking_a_date_before_a_promotion_shows_the_older_production_version()
    {
        var name = await Portal.CreateModelAsync("history", Stage.Production, Stage.None);
        // The history so far happened three days ago: the model's creation, its versions and version 1's promotion.
        var factory = Portal.Service<IDbContextFactory<RegistryDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            var events = await db.Activity.Where(e => e.ModelName == name).ToListAsync();
            foreach (var e in events) e.At = e.At.AddDays(-3);
            await db.SaveChangesAsync();
        }
        var admin = await Portal.AdminAsync();
        await Portal.Service<StageService>().TransitionAsync(admin, name, 2, "Production", archiveExisting: true, comment: "retrained");
        var reader = await Portal.CreateUserAsync(Roles.Reader);

        var page = await NewBrowserAsync();
        await page.SignInAsync(reader, $"/models/{name}");
        var production = page.Locator("[data-stage-lane=Production] a[data-version]");
        await Expect(production).ToHaveTextAsync(["v1", "v2"]);

        var yesterday = DateTime.UtcNow.Date.AddDays(-1).ToString("yyyy-MM-dd");
        await page.Button("As of a past date…").ClickAsync();
        var date = page.GetByLabel("As of date (UTC)");
        await date.FillAsync(yesterday);
        await date.PressAsync("Tab");
        await page.Button("View as of").ClickAsync();

        var banner = page.GetByRole(AriaRole.Status, new() { Name = "As of" });
        await Expect(banner).ToContainTextAsync($"Showing the registry as of {yesterday} 23:59:59 UTC");
        await Expect(page.Locator("[data-stage-row=Production]")).ToContainTextAsync("Version 1");
        await Expect(page.Locator("[data-stage-row=Production]")).Not.ToContainTextAsync("Version 2");
        await Expect(page.Button("Register Model")).ToHaveCountAsync(0);
        await Expect(page.VersionsTable()).ToHaveCountAsync(0);

        await banner.GetByRole(AriaRole.Link, new() { Name = "Back to now" }).ClickAsync();
        await Expect(banner).ToHaveCountAsync(0);
        await Expect(page.VersionRow(2).Locator("[data-stage]")).ToHaveAttributeAsync("data-stage", "Production");
        await Expect(page.VersionRow(1).Locator("[data-stage]")).ToHaveAttributeAsync("data-stage", "Archived");
    }
}
