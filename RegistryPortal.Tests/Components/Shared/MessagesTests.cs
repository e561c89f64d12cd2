using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using RegistryPortal.Components.Layout;
using RegistryPortal.Components.Shared;

namespace RegistryPortal.Tests.Components.Shared;

/// <summary>Messages as the portal configures them: bottom left, one at a time, gone on navigation unless the step navigated.</summary>
public class MessagesTests : BunitContext
{
    private readonly ISnackbar snackbars;

    public MessagesTests()
    {
        Services.AddMudServices(SnackbarSettings.Apply);
        snackbars = Services.GetRequiredService<ISnackbar>();
    }

    [Fact]
    public void They_sit_bottom_left_one_at_a_time()
    {
        Assert.Equal(Defaults.Classes.Position.BottomLeft, snackbars.Configuration.PositionClass);
        Assert.Equal(1, snackbars.Configuration.MaxDisplayedSnackbars);
    }

    [Fact]
    public void A_new_message_replaces_the_one_shown()
    {
        snackbars.Say("Approved.", Severity.Success);
        snackbars.Say("Version 2 is now in Staging.", Severity.Success);

        Assert.Equal(["Version 2 is now in Staging."], snackbars.ShownSnackbars.Select(s => s.Message));
    }

    [Fact]
    public void Navigating_clears_a_message_unless_its_step_led_to_the_navigation()
    {
        var navigation = Services.GetRequiredService<NavigationManager>();
        snackbars.Say("Description saved.", Severity.Success);
        navigation.NavigateTo("/models");
        Assert.Empty(snackbars.ShownSnackbars);

        snackbars.Say("Created model 'm'.", Severity.Success, leadsToNavigation: true);
        navigation.NavigateTo("/models/m");
        Assert.Equal(["Created model 'm'."], snackbars.ShownSnackbars.Select(s => s.Message));
    }
}
