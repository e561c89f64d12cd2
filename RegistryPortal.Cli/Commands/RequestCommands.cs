using System.CommandLine;
using System.Text.Json.Nodes;
using RegistryPortal.Cli.Output;

namespace RegistryPortal.Cli.Commands;

/// <summary>
/// `registry requests …`: pending transition requests (Databricks' transition-requests API). A request is
/// named by model, version and target stage: the portal keeps at most one pending request for each.
/// </summary>
internal static class RequestCommands
{
    public static Command Build(CliContext context)
    {
        var requests = new Command("requests", "Pending stage-transition requests");
        requests.Subcommands.Add(List(context));
        requests.Subcommands.Add(Resolve(context, "approve", "Approve a request: the version moves to the stage", "Approved"));
        requests.Subcommands.Add(Resolve(context, "reject", "Reject a request: the version stays where it is", "Rejected"));
        requests.Subcommands.Add(Resolve(context, "cancel", "Cancel a request (your own, or any with Manage)", "Cancelled"));
        return requests;
    }

    private static Command List(CliContext context)
    {
        var (name, version, output) = (Options.ModelName(), Options.Version(required: false), Options.Output());
        var command = new Command("list", "List a model's pending requests (of one version with --version)").With(name, version, output);
        command.SetAction(async (parse, ct) =>
        {
            var model = parse.GetValue(name)!;
            var client = context.Client(parse, ct);
            var numbers = parse.GetValue(version) is { } one
                ? [ModelCommands.Text(one)]
                : (await ModelCommands.VersionsAsync(context, client, model)).OrderByDescending(Json.Version).Select(v => Json.Text(v, "version")).ToList();
            if (numbers.Count == 0) await ModelCommands.RequireModelAsync(client, model);
            var open = new List<JsonObject>();
            foreach (var number in numbers)
            {
                var answer = await client.GetAsync("transition-requests/list", ("name", model), ("version", number));
                // Databricks' activities do not say which version they belong to; a list over versions must.
                open.AddRange(Json.Objects(answer["requests"]).Select(r => { var copy = (JsonObject)r.DeepClone(); copy["version"] = number; return copy; }));
            }
            if (parse.IsJson(output)) Json.Write(context.Out, open);
            else Table.Write(context.Out, ["Id", "Version", "From", "To", "Requested by", "Requested", "Comment"], open.Select(r => (IReadOnlyList<string>)
                [Json.Text(r, "id"), Json.Text(r, "version"), Json.Text(r, "from_stage"), Json.Text(r, "to_stage"), Json.Text(r, "user_id"),
                 Json.Time(r, "creation_timestamp"), Table.Cell(Json.Text(r, "comment"))]));
            return 0;
        });
        return command;
    }

    /// <summary>The pending request to move a version to a stage (there is at most one), as transition-requests/list has it.</summary>
    public static async Task<JsonObject> PendingAsync(RegistryClient client, string model, string version, string stage)
    {
        var open = await client.GetAsync("transition-requests/list", ("name", model), ("version", version));
        return Json.Objects(open["requests"]).FirstOrDefault(r => Json.Text(r, "to_stage") == stage)
            ?? throw new CliException(Hints.NoPendingRequest(model, version, stage));
    }

    private static Command Resolve(CliContext context, string verb, string description, string done)
    {
        var (name, version, stage, comment) = (Options.ModelName(), Options.Version(), Options.Stage(), Options.Comment());
        var archive = Options.ArchiveExisting();
        var command = new Command(verb, description).With(name, version, stage, comment);
        if (verb == "approve") command.Options.Add(archive);
        command.SetAction(async (parse, ct) =>
        {
            var (model, number, target) = (parse.GetValue(name)!, ModelCommands.Text(parse.GetValue(version)!.Value), parse.GetValue(stage)!);
            var client = context.Client(parse, ct);
            var fields = new Dictionary<string, object?> { ["name"] = model, ["version"] = number, ["stage"] = target, ["comment"] = parse.GetValue(comment) };
            switch (verb)
            {
                case "approve":
                    fields["archive_existing_versions"] = parse.GetValue(archive);
                    await client.PostAsync("transition-requests/approve", fields);
                    break;
                case "reject":
                    await client.PostAsync("transition-requests/reject", fields);
                    break;
                default:
                    // Databricks deletes a request by its creator's name; the pending request's own entry names them.
                    fields["creator"] = Json.Text(await PendingAsync(client, model, number, target), "user_id");
                    await client.DeleteAsync("transition-requests/delete", fields);
                    break;
            }
            context.Out.WriteLine($"{done} the request to move model version '{number}' of model '{model}' to stage '{target}'.");
            return 0;
        });
        return command;
    }
}
