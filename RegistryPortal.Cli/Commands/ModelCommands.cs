using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using RegistryPortal.Cli.Output;

namespace RegistryPortal.Cli.Commands;

/// <summary>`registry models …`: create, register, transition-stage, list-versions, download and the other model commands.</summary>
internal static class ModelCommands
{
    public static Command Build(CliContext context)
    {
        var models = new Command("models", "Registered models and their versions");
        models.Subcommands.Add(TransitionStage(context));
        models.Subcommands.Add(RequestTransition(context));
        models.Subcommands.Add(ListVersions(context));
        models.Subcommands.Add(List(context));
        models.Subcommands.Add(Create(context));
        models.Subcommands.Add(RegisterCommand.Build(context));
        models.Subcommands.Add(DownloadCommand.Build(context));
        return models;
    }

    private static Command TransitionStage(CliContext context)
    {
        var (name, version, stage, archive, comment) = (Options.ModelName(), Options.Version(), Options.Stage(), Options.ArchiveExisting(), Options.Comment());
        var command = new Command("transition-stage", "Move a model version to a stage").With(name, version, stage, archive, comment);
        command.SetAction(async (parse, ct) =>
        {
            var (model, number, target) = (parse.GetValue(name)!, parse.GetValue(version)!.Value, parse.GetValue(stage)!);
            JsonObject answer;
            try
            {
                answer = await context.Client(parse, ct).PostAsync("model-versions/transition-stage", new
                {
                    name = model, version = Text(number), stage = target,
                    archive_existing_versions = parse.GetValue(archive), comment = parse.GetValue(comment),
                });
            }
            catch (ApiError e) when (e.Status == 403)
            {
                // Whoever may not move a version may still ask for the move.
                throw new CliException($"Permission denied: {e.Message} Or ask for the move: " +
                    $"'registry models request-transition --model-name {Shell.Quote(model)} --version {number} --stage {target}'");
            }
            var moved = answer["model_version"];
            context.Out.WriteLine($"Model version '{Json.Text(moved, "version")}' of model '{Json.Text(moved, "name")}' transitioned to stage '{Json.Text(moved, "current_stage")}'.");
            return 0;
        });
        return command;
    }

    private static Command RequestTransition(CliContext context)
    {
        var (name, version, stage, archive, comment) = (Options.ModelName(), Options.Version(), Options.Stage(), Options.ArchiveExisting(), Options.Comment());
        var command = new Command("request-transition", "Ask for a model version to be moved to a stage; a reviewer approves it")
            .With(name, version, stage, archive, comment);
        command.SetAction(async (parse, ct) =>
        {
            var (model, number, target) = (parse.GetValue(name)!, Text(parse.GetValue(version)!.Value), parse.GetValue(stage)!);
            var client = context.Client(parse, ct);
            await client.PostAsync("transition-requests/create", new
            {
                name = model, version = number, stage = target,
                archive_existing_versions = parse.GetValue(archive), comment = parse.GetValue(comment),
            });
            // Databricks' create answers no id; there is one pending request per version and stage, so the list names it.
            var id = Json.Text(await RequestCommands.PendingAsync(client, model, number, target), "id");
            context.Out.WriteLine($"Transition request {id} created: model version '{number}' of model '{model}' to stage '{target}', pending approval.");
            return 0;
        });
        return command;
    }

    private static Command ListVersions(CliContext context)
    {
        var (name, output) = (Options.ModelName(), Options.Output());
        var command = new Command("list-versions", "List a model's versions and their stages, newest first").With(name, output);
        command.SetAction(async (parse, ct) =>
        {
            var model = parse.GetValue(name)!;
            var client = context.Client(parse, ct);
            var versions = (await VersionsAsync(context, client, model)).OrderByDescending(Json.Version).ToList();
            if (versions.Count == 0) await RequireModelAsync(client, model);
            if (parse.IsJson(output)) Json.Write(context.Out, versions);
            else Table.Write(context.Out, ["Version", "Stage", "Registered", "Description"], versions.Select(v => (IReadOnlyList<string>)
                [Json.Text(v, "version"), Json.Text(v, "current_stage"), Json.Time(v, "creation_timestamp"), Table.Cell(Json.Text(v, "description"))]));
            return 0;
        });
        return command;
    }

    private static Command List(CliContext context)
    {
        var filter = new Option<string>("--filter") { Description = "An MLflow search filter, e.g. \"name LIKE 'fraud%'\"" };
        var output = Options.Output();
        var command = new Command("list", "List registered models").With(filter, output);
        command.SetAction(async (parse, ct) =>
        {
            var client = context.Client(parse, ct);
            var models = await AllPagesAsync(token => client.GetAsync("registered-models/search",
                ("filter", parse.GetValue(filter)), ("max_results", context.PageSize), ("page_token", token)), "registered_models");
            if (parse.IsJson(output)) Json.Write(context.Out, models);
            else Table.Write(context.Out, ["Name", "Latest", "Staging", "Production", "Updated", "Description"], models.Select(ModelRow));
            return 0;
        });
        return command;
    }

    /// <summary>A model's row: its newest version overall and in Staging and Production, from latest_versions (newest per stage).</summary>
    private static IReadOnlyList<string> ModelRow(JsonObject model)
    {
        var latest = Json.Objects(model["latest_versions"]).ToList();
        string Newest(IEnumerable<JsonObject> versions) => versions.Select(Json.Version).DefaultIfEmpty().Max() is var n and > 0 ? Text(n) : "-";
        string InStage(string stage) => Newest(latest.Where(v => Json.Text(v, "current_stage") == stage));
        return [Json.Text(model, "name"), Newest(latest), InStage("Staging"), InStage("Production"),
            Json.Time(model, "last_updated_timestamp"), Table.Cell(Json.Text(model, "description"))];
    }

    private static Command Create(CliContext context)
    {
        var name = Options.ModelName("--name");
        var description = new Option<string>("--description") { Description = "A markdown description" };
        var command = new Command("create", "Create a registered model").With(name, description);
        command.SetAction(async (parse, ct) =>
        {
            var created = await context.Client(parse, ct).PostAsync("registered-models/create",
                new { name = parse.GetValue(name), description = parse.GetValue(description) });
            context.Out.WriteLine($"Registered model '{Json.Text(created["registered_model"], "name")}' created.");
            return 0;
        });
        return command;
    }

    /// <summary>Asks for the model itself: a search finds nothing for a model that does not exist, this answers its 404.</summary>
    public static Task RequireModelAsync(RegistryClient client, string model) => client.GetAsync("registered-models/get", ("name", model));

    /// <summary>Every version of a model, over as many pages as the portal answers.</summary>
    public static Task<List<JsonObject>> VersionsAsync(CliContext context, RegistryClient client, string model) =>
        AllPagesAsync(token => client.GetAsync("model-versions/search",
            ("filter", $"name = {Literal(model)}"), ("max_results", context.PageSize), ("page_token", token)), "model_versions");

    private static async Task<List<JsonObject>> AllPagesAsync(Func<string?, Task<JsonObject>> page, string field)
    {
        var items = new List<JsonObject>();
        string? token = null;
        do
        {
            var answer = await page(token);
            items.AddRange(Json.Objects(answer[field]).Select(o => (JsonObject)o.DeepClone()));
            token = answer["next_page_token"]?.GetValue<string>();
        }
        while (!string.IsNullOrEmpty(token));
        return items;
    }

    // A filter's string literal: single quotes unless the name holds one (model names cannot hold both kinds reliably).
    private static string Literal(string text) => text.Contains('\'') ? $"\"{text}\"" : $"'{text}'";

    public static string Text(int number) => number.ToString(CultureInfo.InvariantCulture);
}
