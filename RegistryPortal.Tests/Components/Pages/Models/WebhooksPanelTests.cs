using Bunit;
using RegistryPortal.Components.Pages.Admin;
using RegistryPortal.Components.Pages.Models;
using RegistryPortal.Domain;
using RegistryPortal.Tests.TestSupport;
using RegistryPortal.Webhooks;

namespace RegistryPortal.Tests.Components.Pages.Models;

/// <summary>The Webhooks section of the model page and the admin page, over the real services.</summary>
public class WebhooksPanelTests : PageTestContext
{
    private IRenderedComponent<ModelPage> Open(string model)
    {
        var page = RenderPage<ModelPage>(p => p.Add(x => x.Name, model));
        page.WaitForAssertion(() => Assert.Contains("Your access:", page.Markup));
        return page;
    }

    [Theory]
    [InlineData(Roles.Manager, true)]
    [InlineData(Roles.ProductionManager, false)]
    public async Task Only_Manage_holders_see_the_section(string role, bool sees)
    {
        var (model, _) = await Registry.ModelWithVersionsAsync(1);
        SignIn(await Registry.UserAsync(role));
        Assert.Equal(sees ? 1 : 0, Open(model).FindAll("[aria-label=Webhooks]").Count);
    }

    [Fact]
    public async Task A_manager_creates_a_webhook_with_event_checkboxes_and_tests_it()
    {
        var (model, owner) = await Registry.ModelWithVersionsAsync(1);
        SignIn(owner);
        var page = Open(model);

        page.Button("New webhook")!.Click();
        Dialogs.WaitForElement("input").Input("https://127.0.0.1:9/hook");
        Dialogs.WaitForAssertion(() => Assert.NotNull(Dialogs.Find("[aria-label=Events]")));
        Assert.DoesNotContain(WebhookEvents.RegisteredModelCreated, Dialogs.Find("[aria-label=Events]").TextContent);
        Dialogs.FindAll("[aria-label=Events] input[type=checkbox]")
            .Single(box => box.ParentElement!.ParentElement!.TextContent.Contains(WebhookEvents.TransitionedToProduction)).Change(true);
        Dialogs.Button("Create")!.Click();

        page.WaitForAssertion(() => Assert.Contains("https://127.0.0.1:9/hook", page.Find("[aria-label='Webhook list']").TextContent));
        var hook = Assert.Single(await Registry.Webhooks.ListAsync(owner, model));
        Assert.Equal([WebhookEvents.TransitionedToProduction], hook.Events);

        page.Find($"[aria-label='Test webhook {hook.Id}']").Click();
        page.WaitForAssertion(() => Assert.Contains("Receiver answered nothing", page.Find("[aria-label='Test answer']").TextContent));
    }

    [Fact]
    public async Task The_delivery_log_shows_each_event_with_its_payload()
    {
        var (model, owner) = await Registry.ModelWithVersionsAsync(1);
        var hook = await Registry.Webhooks.CreateAsync(owner, new WebhookSpec(model, [WebhookEvents.Transitioned], "https://ci.example.com/hook"));
        await Registry.Stages.TransitionAsync(owner, model, 1, "Staging");
        SignIn(owner);
        var page = Open(model);

        page.WaitForElement($"[aria-label='Show deliveries of webhook {hook.Id}']").Click();

        page.WaitForAssertion(() => Assert.Contains(WebhookEvents.Transitioned, page.Find($"[aria-label='Deliveries of webhook {hook.Id}']").TextContent));
        var log = page.Find($"[aria-label='Deliveries of webhook {hook.Id}']");
        Assert.Contains("\"to_stage\":\"Staging\"", log.TextContent);
        Assert.Contains("Pending", log.QuerySelector("[data-status]")!.TextContent);
    }

    [Fact]
    public async Task The_admin_page_lists_registry_wide_webhooks_only()
    {
        var (model, owner) = await Registry.ModelWithVersionsAsync(0);
        var admin = await Registry.AdminAsync();
        await Registry.Webhooks.CreateAsync(owner, new WebhookSpec(model, [WebhookEvents.CommentCreated], "https://model.example.com/hook"));
        await Registry.Webhooks.CreateAsync(admin, new WebhookSpec(null, [WebhookEvents.RegisteredModelCreated], "https://wide.example.com/hook"));
        SignIn(admin);

        var page = RenderPage<WebhooksPage>();

        page.WaitForAssertion(() => Assert.Contains("https://wide.example.com/hook", page.Markup));
        Assert.DoesNotContain("model.example.com", page.Markup);
    }
}
