using System.Collections;
using System.Globalization;
using RegistryPortal.Cli;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Search;
using RegistryPortal.Security;
using RegistryPortal.Tests.Api;

namespace RegistryPortal.Tests.Cli;

/// <summary>What one run of `registry …` did: its exit code and everything it printed.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}

/// <summary>A user of the portal as a script sees it: an API client for arranging data, and a personal access token for the CLI.</summary>
public sealed record CliUser(ApiUser Api, string Token)
{
    public Actor Actor => Api.Actor;
}

/// <summary>
/// Runs the CLI in-process against the test's real app (its in-memory HTTP handler), with REGISTRY_URL and
/// REGISTRY_TOKEN set in the environment it is given, never the machine's.
/// </summary>
public static class CliHarness
{
    public const string PortalUrl = "http://localhost/";

    public static async Task<CliUser> CliUserAsync(this ApiApp app, params string[] roles)
    {
        var user = await app.UserAsync(roles);
        var token = await app.Service<AccessTokenService>().CreateAsync(user.Actor, "ci", DateTime.UtcNow.AddDays(1));
        return new CliUser(user, token.Secret);
    }

    public static Task<CliResult> RunAsync(this ApiApp app, CliUser user, params string[] args) =>
        RunAsync(_ => app.Factory.CreateClient(), EnvironmentOf(user), args);

    /// <summary>As <see cref="RunAsync(ApiApp, CliUser, string[])"/>, with searches asking for pages of <paramref name="pageSize"/> items.</summary>
    public static Task<CliResult> RunPagedAsync(this ApiApp app, CliUser user, int pageSize, params string[] args)
    {
        var environment = EnvironmentOf(user);
        environment["REGISTRY_PAGE_SIZE"] = pageSize.ToString(CultureInfo.InvariantCulture);
        return RunAsync(_ => app.Factory.CreateClient(), environment, args);
    }

    private static Hashtable EnvironmentOf(CliUser user) => new() { ["REGISTRY_URL"] = PortalUrl, ["REGISTRY_TOKEN"] = user.Token };

    public static async Task<CliResult> RunAsync(Func<Uri, HttpClient>? clients, IDictionary environment, params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var exitCode = await RegistryCli.RunAsync(args, stdout, stderr, clients, environment);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Asserts a success: exit 0, nothing on stderr, exactly these stdout lines.</summary>
    public static void Succeeded(this CliResult result, params string[] lines)
    {
        Assert.True(result.ExitCode == 0 && result.Stderr == "", result.ToString());
        Assert.Equal(string.Join("", lines.Select(l => l + Environment.NewLine)), result.Stdout);
    }

    /// <summary>Asserts a failure: this exit code, nothing on stdout, exactly this one line on stderr.</summary>
    public static void Failed(this CliResult result, int exitCode, string line)
    {
        Assert.True(result.ExitCode == exitCode && result.Stdout == "", result.ToString());
        Assert.Equal(line + Environment.NewLine, result.Stderr);
    }

    /// <summary>A model owned by <paramref name="owner"/> with versions from s3:// sources (READY at once), moved to the given stages.</summary>
    public static async Task<string> ModelAsync(this ApiApp app, CliUser owner, params Stage[] stages)
    {
        var name = ApiApp.Unique("cli");
        await owner.Api.Client.ApiPostAsync("registered-models/create", new { name });
        var versions = app.Service<VersionService>();
        var moves = app.Service<StageService>();
        for (var i = 0; i < stages.Length; i++)
        {
            await versions.RegisterAsync(owner.Actor, new NewVersion(name, $"s3://bucket/{name}/{i + 1}", null, null, i == 0 ? "first" : null, null));
            if (stages[i] != Stage.None) await moves.TransitionAsync(owner.Actor, name, i + 1, stages[i].ToString(), false, null);
        }
        return name;
    }

    public static async Task<Stage> StageOfAsync(this ApiApp app, CliUser user, string model, int version) =>
        (await app.Service<VersionService>().GetAsync(user.Actor, model, version)).Stage;

    /// <summary>A timestamp as the CLI's tables show it.</summary>
    public static string Shown(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
