using RegistryPortal;
using RegistryPortal.Api;
using RegistryPortal.Backup;
using RegistryPortal.Components;
using RegistryPortal.Data;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using MudBlazor.Services;
using RegistryPortal.Components.Layout;

if (BackupCommand.IsCommand(args))
{
    Environment.ExitCode = await BackupCommand.RunAsync(args, Console.Out, Console.Error);
    return;
}

var builder = StartupSettings.CreateBuilder(args);
// An unpublished build outside Development still serves MudBlazor's and Blazor's files.
builder.WebHost.UseStaticWebAssets();

builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices(SnackbarSettings.Apply);
builder.Services.AddRegistryDatabase(builder.Configuration);
builder.Services.AddRegistryDataProtection();
builder.Services.AddRegistryHealthChecks();
builder.Services.AddRegistryIdentity();
builder.Services.AddRegistry(builder.Configuration);
builder.Services.AddMlflowApi();
builder.Services.AddLargeBlockMemoryPool();

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
}
app.UseSecurityHeaders();
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseAntiforgery();

app.MapStaticAssets().AllowAnonymous();
app.MapRegistryHealthChecks();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.MapAdditionalIdentityEndpoints();
app.MapUploadEndpoints();
app.MapVersionFileEndpoints();
app.MapMlflowApi();

await StartupSettings.PrepareFirstStartAsync(app);
app.Run();

public partial class Program;
