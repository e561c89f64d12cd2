using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using RegistryPortal.Storage;
using RegistryPortal.Tracking;

namespace RegistryPortal.Tests.TestSupport;

/// <summary>
/// bunit tests of real pages over the real services and a real SQLite file: nothing is mocked but the
/// browser. Derive, create data through <see cref="Registry"/>, then <see cref="SignIn"/> and render.
/// </summary>
public abstract class PageTestContext : BunitContext, IAsyncLifetime
{
    private BunitAuthorizationContext authorization = default!;

    protected TestRegistry Registry { get; private set; } = default!;

    public async ValueTask InitializeAsync()
    {
        // CI machines are small and busy: give pages time to load before a wait counts as a failure.
        DefaultWaitTimeout = TimeSpan.FromSeconds(15);
        Registry = await TestRegistry.CreateAsync();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(Registry.Models);
        Services.AddSingleton(Registry.Versions);
        Services.AddSingleton(Registry.Stages);
        Services.AddSingleton(Registry.Requests);
        Services.AddSingleton(Registry.Inbox);
        Services.AddSingleton(Registry.Settings);
        Services.AddSingleton(Registry.Aliases);
        Services.AddSingleton(Registry.Activity);
        Services.AddSingleton(Registry.Permissions);
        Services.AddSingleton(Registry.UserAdmin);
        Services.AddSingleton(Registry.Audit);
        Services.AddSingleton(Registry.Tokens);
        Services.AddSingleton(Registry.Services.GetRequiredService<RegistryChanges>());
        Services.AddSingleton(Registry.Services.GetRequiredService<UploadRegistration>());
        Services.AddSingleton(Registry.Services.GetRequiredService<ExperimentService>());
        Services.AddSingleton(Registry.Services.GetRequiredService<RunService>());
        Services.AddSingleton(Registry.Services.GetRequiredService<LoggedModelService>());
        Services.AddSingleton(Registry.Services.GetRequiredService<ArtifactStore>());
        Services.AddSingleton(Registry.Services.GetRequiredService<RunArtifacts>());
        Services.AddSingleton(Registry.Services.GetRequiredService<ModelRegistration>());
        authorization = AddAuthorization();
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    /// <summary>The fake authorization of the pages rendered next: roles and policies the signed-in user holds.</summary>
    protected BunitAuthorizationContext Authorization => authorization;

    /// <summary>Signs <paramref name="actor"/> in for the pages rendered next.</summary>
    protected void SignIn(Actor actor) =>
        authorization.SetAuthorized(actor.UserId).SetClaims(new Claim(ClaimTypes.NameIdentifier, actor.UserId));

    /// <summary>Renders a page below MudBlazor's popover provider, as the layout does.</summary>
    protected IRenderedComponent<TPage> RenderPage<TPage>(Action<ComponentParameterCollectionBuilder<TPage>>? parameters = null)
        where TPage : IComponent
    {
        Popovers = Render<MudPopoverProvider>();
        Dialogs = Render<MudDialogProvider>();
        return Render(parameters ?? (_ => { }));
    }

    /// <summary>Where open menus and popovers render.</summary>
    protected IRenderedComponent<MudPopoverProvider> Popovers { get; private set; } = default!;

    /// <summary>Where open dialogs render.</summary>
    protected IRenderedComponent<MudDialogProvider> Dialogs { get; private set; } = default!;

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        // A registration from a run copies its files in the background: let it finish before the folder goes.
        await Registry.Services.GetRequiredService<ModelRegistration>().WhenIdleAsync();
        await Registry.DisposeAsync();
    }
}
