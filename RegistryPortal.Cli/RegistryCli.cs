using System.Collections;
using System.CommandLine;
using System.CommandLine.Parsing;
using RegistryPortal.Cli.Commands;

namespace RegistryPortal.Cli;

/// <summary>
/// The `registry` command line. <see cref="RunAsync"/> is the whole program, with its outputs, HTTP client
/// and environment passed in, so tests run it in-process against the real portal and read what it printed.
/// Exit codes: 0 done, 1 refused or failed (one line on stderr), 2 usage error.
/// </summary>
public static class RegistryCli
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr,
        Func<Uri, HttpClient>? clientFactory = null, IDictionary? environment = null, CancellationToken ct = default)
    {
        var context = new CliContext(stdout, clientFactory ?? (_ => new HttpClient()), environment ?? Environment.GetEnvironmentVariables());
        var parse = BuildRoot(context).Parse(args);
        if (parse.Errors.Count > 0)
        {
            stderr.WriteLine($"{string.Join(" ", parse.Errors.Select(e => e.Message))} See '{CommandPath(parse.CommandResult)} --help'.");
            return CliException.Usage;
        }
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false }, ct);
        }
        catch (CliException e)
        {
            stderr.WriteLine(e.Message);
            return e.ExitCode;
        }
        catch (ApiError e)
        {
            stderr.WriteLine(Hints.For(e));
            return CliException.Failed;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("Cancelled.");
            return 130; // the shell's code for a command stopped by Ctrl+C
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A local file or folder the command reads or writes (--path, --dest): the system's reason says which.
            stderr.WriteLine($"{e.Message.TrimEnd('.')}; check the folder and its permissions");
            return CliException.Failed;
        }
    }

    private static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand("RegistryPortal's command-line client: promote, register and download model versions.");
        root.Options.Add(context.UrlOption);
        root.Options.Add(context.TokenOption);
        root.Subcommands.Add(ModelCommands.Build(context));
        root.Subcommands.Add(RequestCommands.Build(context));
        return root;
    }

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
            if (r is CommandResult c) names.Insert(0, c.Command is RootCommand ? "registry" : c.Command.Name);
        return string.Join(' ', names);
    }
}

/// <summary>What every command reaches: where to print, and a client for the portal the options or environment name.</summary>
internal sealed class CliContext(TextWriter stdout, Func<Uri, HttpClient> clients, IDictionary environment)
{
    public TextWriter Out { get; } = stdout;

    /// <summary>How many items one search call asks for (REGISTRY_PAGE_SIZE, default 1000: the most the portal gives).</summary>
    public string PageSize { get; } = environment["REGISTRY_PAGE_SIZE"] is string size && int.TryParse(size, out var n) && n > 0 ? size : "1000";

    public Option<string> UrlOption { get; } = new("--url") { Description = "The portal's address (default: $REGISTRY_URL)", Recursive = true };

    public Option<string> TokenOption { get; } = new("--token") { Description = "A personal access token (default: $REGISTRY_TOKEN)", Recursive = true };

    public RegistryClient Client(ParseResult parse, CancellationToken ct)
    {
        var url = parse.GetValue(UrlOption) ?? environment["REGISTRY_URL"] as string;
        if (string.IsNullOrWhiteSpace(url))
            throw CliException.UsageError("No portal address: pass --url or set REGISTRY_URL (for example http://127.0.0.1:5000)");
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var portal) || portal.Scheme is not ("http" or "https"))
            throw CliException.UsageError($"'{url}' is not a portal address; pass --url or set REGISTRY_URL to one such as http://127.0.0.1:5000");
        var token = parse.GetValue(TokenOption) ?? environment["REGISTRY_TOKEN"] as string;
        if (string.IsNullOrWhiteSpace(token))
            throw CliException.UsageError("No access token: pass --token or set REGISTRY_TOKEN (create one under your account's Access tokens)");
        // A trailing slash makes relative API paths resolve under a portal served below a path (https://host/registry/).
        if (!portal.AbsolutePath.EndsWith('/')) portal = new Uri(portal + "/");
        return new RegistryClient(clients(portal), portal, token.Trim(), ct);
    }
}
