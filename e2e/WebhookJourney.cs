using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Tests.Webhooks;
using static Microsoft.Playwright.Assertions;

namespace RegistryPortal.E2E;

/// <summary>Issue 15's journey: a manager adds a webhook, tests it, and sees a transition's delivery in its log.</summary>
[Collection(PortalCollection.Name)]
public sealed class WebhookJourney(PortalFixture portal) : JourneyTest(portal)
{
    [Fact]
    public async Task A_manager_creates_a_webhook_tests_it_and_sees_a_transition_delivered()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = (_, http) => http.Response.WriteAsync("hello from CI");
        var name = await Portal.CreateModelAsync("hooks", Stage.None);
        var manager = await Portal.CreateUserAsync(Roles.Manager);
        var page = await NewBrowserAsync();
        await page.SignInAsync(manager, $"/models/{name}");

        await page.Button("New webhook").ClickAsync();
        var dialog = page.OpenDialog();
        await dialog.GetByLabel("URL").FillAsync(receiver.Url());
        await dialog.GetByRole(AriaRole.Checkbox, new() { Name = "MODEL_VERSION_TRANSITIONED_STAGE" }).CheckAsync();
        await dialog.Button("Create").ClickAsync();
        await Expect(page.Message("Webhook created.")).ToBeVisibleAsync();
        var list = page.GetByLabel("Webhook list");
        await Expect(list).ToContainTextAsync(receiver.Url());

        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Test webhook") }).ClickAsync();
        var answer = page.GetByLabel("Test answer");
        await Expect(answer).ToContainTextAsync("Receiver answered 200");
        await Expect(answer).ToContainTextAsync("hello from CI");

        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Show deliveries of webhook") }).ClickAsync();
        await Expect(page.GetByText("No events sent yet.")).ToBeVisibleAsync();
        await Portal.Service<StageService>().TransitionAsync(manager.Actor, name, 1, "Staging");

        var row = page.GetByLabel(new Regex("^Deliveries of webhook")).GetByRole(AriaRole.Row).Filter(new() { HasText = "MODEL_VERSION_TRANSITIONED_STAGE" });
        await Expect(row.Locator("[data-status]")).ToHaveTextAsync("Delivered");
        await Expect(row).ToContainTextAsync("200");
        Assert.Contains(receiver.Requests, r => r.Body.Contains("\"to_stage\":\"Staging\""));
    }
}
