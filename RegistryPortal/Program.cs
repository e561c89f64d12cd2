using Microsoft.Extensions.Options;
using RegistryPortal;
using RegistryPortal.Components;
using RegistryPortal.Data;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using MudBlazor.Services;

var builder = WebApplication.CreateBuilder(StartupSettings.WithoutFlags(args));
StartupSettings.AddRepositorySettings(builder.Configuration, args);
// An unpublished build outside Development still serves MudBlazor's and Blazor's files.
builder.WebHost.UseStaticWebAssets();

builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();
builder.Services.AddRegistryDatabase(DatabaseSetup.SqliteConnectionString(builder.Configuration));
builder.Services.AddRegistryIdentity(builder.Configuration);
builder.Services.AddRegistry();

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
}
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseAntiforgery();

app.MapStaticAssets().AllowAnonymous();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.MapAdditionalIdentityEndpoints();

await app.Services.MigrateRegistryDatabaseAsync();
var generatedPassword = await AdminBootstrapper.EnsureRolesAndAdminAsync(app.Services);
var adminEmail = app.Services.GetRequiredService<IOptions<AdminOptions>>().Value.Email;
if (app.Configuration.GetValue<bool>("Demo:Seed")) await DemoData.SeedAsync(app.Services, adminEmail);
app.Lifetime.ApplicationStarted.Register(() => StartupSettings.PrintWelcome(app, adminEmail, generatedPassword));

app.Run();

public partial class Program;
