using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using static Microsoft.Playwright.Assertions;

namespace RegistryPortal.E2E;

/// <summary>
/// Issue 14's reviewer journey, in two browsers: a Manage holder asks for Production on a four-eyes model; the
/// reviewer's top-bar badge counts it live; the reviewer approves from the inbox and the version moves. Four-eyes
/// refuses the requester's own approval and a direct move to Production (browser and API alike).
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class InboxJourney(PortalFixture portal) : JourneyTest(portal)
{
    [Fact]
    public async Task A_requester_asks_a_reviewer_approves_from_the_inbox_and_four_eyes_refuses_the_shortcuts()
    {
        var name = await Portal.CreateModelAsync("inbox", Stage.Staging);
        var requester = await Portal.CreateUserAsync(Roles.Manager);
        await Portal.Service<ModelService>().SetFourEyesAsync(requester.Actor, name, true);
        var reviewer = await Portal.CreateUserAsync(Roles.ProductionManager);

        var reviewing = await NewBrowserAsync();
        await reviewing.SignInAsync(reviewer, "/models");
        var badge = reviewing.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Requests") });
        var waitingBefore = int.Parse((await badge.GetAttributeAsync("data-waiting"))!); // other journeys' requests count too
        await reviewing.EvaluateAsync("() => window.e2eSameDocument = true");

        // The requester may not move it to Production directly: the menu offers a request, and says why.
        var asking = await NewBrowserAsync();
        await asking.SignInAsync(requester, $"/models/{name}/versions/1");
        await asking.StageMenuButton().ClickAsync();
        await Expect(asking.GetByRole(AriaRole.Menuitem)).ToHaveTextAsync(["Transition to None", "Transition to Archived", "Request transition to Production"]);
        await Expect(asking.GetByText("Four-eyes protection: moves into or out of Production need a request approved by someone else.")).ToBeVisibleAsync();
        await asking.Keyboard.PressAsync("Escape"); // one Escape closes the menu
        await Expect(asking.GetByRole(AriaRole.Menuitem)).ToHaveCountAsync(0);
        await asking.StageMenuButton().ClickAsync();
        await asking.MenuItem("Request transition to Production").ClickAsync();
        var dialog = asking.OpenDialog();
        await dialog.GetByLabel("Comment").FillAsync("Holdout AUC 0.94.");
        await dialog.Button("Request").ClickAsync();
        await Expect(asking.Message("Requested a transition to Production.")).ToBeVisibleAsync();

        // Their own request: no Approve for them, and the reason as text.
        var own = asking.PendingRequest("Production");
        await Expect(own.Button("Approve")).ToHaveCountAsync(0);
        await Expect(own).ToContainTextAsync("someone other than the requester must approve");
        // Nor through the API: a direct move and a self-approval are 403s that say why.
        using (var api = new MlflowApiClient(Portal.BaseUrl, requester))
        {
            var direct = await api.TryPostAsync("model-versions/transition-stage",
                new { name, version = "1", stage = "Production", archive_existing_versions = false });
            Assert.Equal(HttpStatusCode.Forbidden, direct.Status);
            Assert.Contains("Four-eyes protection is on", direct.Body);
            var self = await api.TryPostAsync("transition-requests/approve",
                new { name, version = "1", stage = "Production", archive_existing_versions = false });
            Assert.Equal(HttpStatusCode.Forbidden, self.Status);
            Assert.Contains("You cannot approve your own request", self.Body);
        }

        // The reviewer's badge counted up without a reload; the inbox lists the request; approving moves the version.
        await Expect(badge).ToHaveAttributeAsync("data-waiting", (waitingBefore + 1).ToString());
        Assert.True(await reviewing.EvaluateAsync<bool>("() => window.e2eSameDocument === true"), "The reviewer's page reloaded.");
        await badge.ClickAsync();
        await Expect(reviewing).ToHaveURLAsync(new Regex("/requests$"));
        var row = reviewing.GetByRole(AriaRole.Row).Filter(new() { HasText = name });
        await Expect(row).ToContainTextAsync("Holdout AUC 0.94.");
        await Expect(row).ToContainTextAsync(requester.Name);
        await row.Button("Approve").ClickAsync();
        var approve = reviewing.OpenDialog();
        await approve.GetByLabel("Comment").FillAsync("Second pair of eyes: fine.");
        await approve.Button("Approve").ClickAsync();
        await Expect(reviewing.Message($"Approved: version 1 of '{name}' is now in Production.")).ToBeVisibleAsync();
        await Expect(row).ToHaveCountAsync(0);
        await Expect(badge).ToHaveAttributeAsync("data-waiting", waitingBefore.ToString());

        // The requester's open page follows, with one activity entry for the approval.
        await Expect(asking.StageMenuButton()).ToHaveTextAsync("Stage: Production");
        await Expect(asking.ActivityItems(nameof(ActivityKind.Approved))).ToContainTextAsync(
            $"{reviewer.Name} approved the request and moved it from Staging to Production");
    }
}
