using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Options;
using RegistryPortal.Data;
using RegistryPortal.Registry;
using RegistryPortal.Security;

namespace RegistryPortal;

/// <summary>Where settings come from, and the first-run message.</summary>
public static class StartupSettings
{
    private const string SeedDemoFlag = "--seed-demo";

    /// <summary>The arguments without the bare flags that ASP.NET Core's command-line parser does not understand.</summary>
    public static string[] WithoutFlags(string[] args) => args.Where(a => a != SeedDemoFlag).ToArray();

    /// <summary>
    /// The portal's builder, with its settings read from every source in order (see <see cref="AddRepositorySettings"/>).
    /// A wrong setting found while the portal starts ends the process with the lines that name it (exit code 1), not a
    /// stack trace. (Hosted in a test, the exception reaches the test instead: it is not unhandled there.)
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        if (Interlocked.Exchange(ref refusingWrongSettings, 1) == 0) AppDomain.CurrentDomain.UnhandledException += RefuseWrongSettings;
        var builder = WebApplication.CreateBuilder(WithoutFlags(args));
        AddRepositorySettings(builder.Configuration, args);
        return builder;
    }

    /// <summary>
    /// Reads the repository's appsettings.json (copied beside the binaries) first, so that environment
    /// variables and command-line flags override it, wherever the app is started from.
    /// </summary>
    public static void AddRepositorySettings(ConfigurationManager configuration, string[] args)
    {
        var source = new JsonConfigurationSource { Path = Path.Combine(AppContext.BaseDirectory, "appsettings.json"), Optional = true };
        source.ResolveFileProvider(); // an absolute path needs its own file provider
        ((IConfigurationBuilder)configuration).Sources.Insert(0, source);
        if (args.Contains(SeedDemoFlag)) configuration["Demo:Seed"] = "true";
    }

    private static int refusingWrongSettings;

    private static void RefuseWrongSettings(object sender, UnhandledExceptionEventArgs e)
    {
        if (e.ExceptionObject is not InvalidSettingsException wrong) return;
        Console.Error.WriteLine(wrong.Message);
        Environment.Exit(1);
    }

    /// <summary>
    /// Checks every setting, then migrates the database, makes sure there is an admin, seeds demo data when asked, and
    /// says how to sign in.
    /// </summary>
    public static async Task PrepareFirstStartAsync(WebApplication app)
    {
        Settings.Check(app.Services);
        await app.Services.MigrateRegistryDatabaseAsync();
        var generatedPassword = await AdminBootstrapper.EnsureRolesAndAdminAsync(app.Services);
        var adminEmail = app.Services.GetRequiredService<IOptions<AdminOptions>>().Value.Email;
        if (app.Services.GetRequiredService<IOptions<DemoOptions>>().Value.Seed) await DemoData.SeedAsync(app.Services, adminEmail);
        app.Lifetime.ApplicationStarted.Register(() => PrintWelcome(app, adminEmail, generatedPassword));
    }

    private static void PrintWelcome(WebApplication app, string adminEmail, string? generatedPassword)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        Console.WriteLine();
        Console.WriteLine($"RegistryPortal is running at {string.Join(", ", addresses)}");
        Console.WriteLine(generatedPassword is null
            ? $"Sign in as {adminEmail} (password from Admin:Password, or the one printed on the first start)."
            : $"First start: sign in as {adminEmail} with password {generatedPassword}  (shown once; change it under your account).");
        Console.WriteLine("Press Ctrl+C to stop.");
        Console.WriteLine();
    }
}
