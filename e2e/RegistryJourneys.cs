using System.IO.Compression;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Storage;
using static Microsoft.Playwright.Assertions;

namespace RegistryPortal.E2E;

/// <summary>
/// The registry's journeys (create and register, request, approve with archive-existing, cancel, reject), each from
/// sign-in, each over a model of its own (made through the services when the journey is not about making it) and with
/// people of its own.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class RegistryJourneys(PortalFixture portal) : JourneyTest(portal)
{
    // (1)
    [Fact]
    public async Task An_editor_creates_a_model_and_registers_versions_1_and_2_by_upload()
    {
        var editor = await Portal.CreateUserAsync(Roles.Editor);
        var name = $"journey1-{Guid.NewGuid().ToString("N")[..8]}";
        var page = await NewBrowserAsync();
        await page.SignInAsync(editor);

        await page.Button("Create Model").ClickAsync();
        var create = page.OpenDialog();
        await create.GetByLabel("Model name").FillAsync(name);
        await create.Button("Create").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/models/{name}$"));
        await Expect(page.Heading(name)).ToBeVisibleAsync();
        await Expect(page.Message($"Created model '{name}'.")).ToBeVisibleAsync();
        await Expect(page.VersionsTable()).ToContainTextAsync("No versions yet.");

        // Version 1: several files.
        var weights = WriteFile("model.pkl", 3072);
        var mlmodel = WriteFile("MLmodel", 1024);
        await RegisterByUploadAsync(page, "2 files, 4 KB", weights, mlmodel);
        await Expect(page).ToHaveURLAsync(new Regex($"/models/{name}/versions/1$"));
        await Expect(page.Heading("Version 1")).ToBeVisibleAsync();
        await Expect(page.Message($"Registered version 1 of '{name}'.")).ToBeVisibleAsync();
        await Expect(page.VersionStageChip()).ToHaveAttributeAsync("data-stage", "None");
        await Expect(page.ActivityItems(nameof(ActivityKind.VersionRegistered))).ToContainTextAsync($"{editor.Name} registered version 1");
        AssertStored(await SourceOfShownVersionAsync(page), "model.pkl", "MLmodel");

        // Version 2: one zip, unpacked into the version's files.
        await page.BreadcrumbLink(name).ClickAsync();
        await Expect(page.Heading(name)).ToBeVisibleAsync();
        var zip = Zip("model.zip", ("model.pkl", 2048), ("MLmodel", 512));
        await RegisterByUploadAsync(page, null, zip);
        await Expect(page).ToHaveURLAsync(new Regex($"/models/{name}/versions/2$"));
        await Expect(page.Heading("Version 2")).ToBeVisibleAsync();
        await Expect(page.VersionStageChip()).ToHaveAttributeAsync("data-stage", "None");
        AssertStored(await SourceOfShownVersionAsync(page), "model.pkl", "MLmodel");

        await page.BreadcrumbLink(name).ClickAsync();
        await Expect(page.VersionRows()).ToHaveCountAsync(2);
        foreach (var number in new[] { 1, 2 })
        {
            await Expect(page.VersionRow(number).Locator("[data-stage]")).ToHaveTextAsync("None");
            await Expect(page.VersionRow(number)).ToContainTextAsync(editor.Name);
        }
    }

    // (2)
    [Fact]
    public async Task A_reader_requests_Production_for_version_2_with_a_comment()
    {
        var name = await Portal.CreateModelAsync("journey2", Stage.Production, Stage.None);
        var reader = await Portal.CreateUserAsync(Roles.Reader);
        var page = await NewBrowserAsync();
        await page.SignInAsync(reader, $"/models/{name}/versions/2");

        await Expect(page.StageMenuButton()).ToHaveTextAsync("Stage: None");
        await page.StageMenuButton().ClickAsync();
        // A reader may not move a version, so every item is a request.
        await Expect(page.GetByRole(AriaRole.Menuitem)).ToHaveTextAsync(
            ["Request transition to Staging", "Request transition to Production", "Request transition to Archived"]);
        await page.MenuItem("Request transition to Production").ClickAsync();

        var dialog = page.OpenDialog();
        await Expect(dialog).ToContainTextAsync("Request transition to Production");
        await Expect(dialog.GetByRole(AriaRole.Checkbox, new() { Name = "Transition existing Production model versions to Archived" })).Not.ToBeCheckedAsync();
        await dialog.GetByLabel("Comment").FillAsync("AUC 0.93 on the holdout set; ready for Production.");
        await dialog.Button("Request").ClickAsync();

        await Expect(page.Message("Requested a transition to Production.")).ToBeVisibleAsync();
        await Expect(dialog).ToBeHiddenAsync();
        var request = page.PendingRequest("Production");
        await Expect(request).ToContainTextAsync($"{reader.Name} requested a transition to");
        await Expect(request).ToContainTextAsync("“AUC 0.93 on the holdout set; ready for Production.”");
        // The reader may withdraw their request but not review it.
        await Expect(request.Button("Cancel request")).ToBeEnabledAsync();
        await Expect(request.Button("Approve")).ToHaveCountAsync(0);
        await Expect(request.Button("Reject")).ToHaveCountAsync(0);
        var requested = page.ActivityItems(nameof(ActivityKind.Requested));
        await Expect(requested).ToContainTextAsync($"{reader.Name} requested a transition to Production");
        await Expect(requested).ToContainTextAsync("“AUC 0.93 on the holdout set; ready for Production.”");
        await Expect(page.VersionStageChip()).ToHaveAttributeAsync("data-stage", "None");
    }

    // (3)
    [Fact]
    public async Task A_production_manager_approves_with_archive_existing_and_version_1_goes_from_Production_to_Archived()
    {
        var name = await Portal.CreateModelAsync("journey3", Stage.Production, Stage.None);
        var reader = await Portal.CreateUserAsync(Roles.Reader);
        await Portal.Service<TransitionRequestService>().CreateAsync(reader.Actor, name, 2, "Production", comment: "Better recall at the same precision.");
        var manager = await Portal.CreateUserAsync(Roles.ProductionManager);
        var page = await NewBrowserAsync();
        await page.SignInAsync(manager, $"/models/{name}/versions/2");

        var request = page.PendingRequest("Production");
        await Expect(request).ToContainTextAsync($"{reader.Name} requested a transition to");
        await request.Button("Approve").ClickAsync();
        var dialog = page.OpenDialog();
        await Expect(dialog).ToContainTextAsync("Approve transition to Production");
        var archiveExisting = dialog.GetByRole(AriaRole.Checkbox, new() { Name = "Transition existing Production model versions to Archived" });
        await Expect(archiveExisting).Not.ToBeCheckedAsync(); // the requester did not ask for it
        await archiveExisting.CheckAsync();
        await dialog.GetByLabel("Comment").FillAsync("Shadow test passed.");
        await dialog.Button("Approve").ClickAsync();

        await Expect(page.Message("Approved.")).ToBeVisibleAsync();
        await Expect(page.VersionStageChip()).ToHaveAttributeAsync("data-stage", "Production");
        await Expect(page.StageMenuButton()).ToHaveTextAsync("Stage: Production");
        await Expect(page.PendingRequests()).ToContainTextAsync("No pending requests.");
        var approved = page.ActivityItems(nameof(ActivityKind.Approved));
        // One entry: approved and moved, with the comment once.
        await Expect(approved).ToContainTextAsync($"{manager.Name} approved the request and moved it from None to Production");
        await Expect(approved).ToContainTextAsync("“Shadow test passed.”");
        await Expect(page.ActivityItems(nameof(ActivityKind.Transitioned))).ToHaveCountAsync(0);
        await Expect(page.Activity().Locator("[data-activity]").Filter(new() { HasText = "Shadow test passed." })).ToHaveCountAsync(1);

        await page.BreadcrumbLink(name).ClickAsync();
        await Expect(page.VersionRow(1).Locator("[data-stage]")).ToHaveTextAsync("Archived");
        await Expect(page.VersionRow(2).Locator("[data-stage]")).ToHaveTextAsync("Production");

        await page.VersionRow(1).GetByRole(AriaRole.Link, new() { Name = "Version 1", Exact = true }).ClickAsync();
        await Expect(page.Heading("Version 1")).ToBeVisibleAsync();
        await Expect(page.VersionStageChip()).ToHaveAttributeAsync("data-stage", "Archived");
        await Expect(page.ActivityItems(nameof(ActivityKind.Transitioned)).First).ToContainTextAsync(
            $"{manager.Name} moved it from Production to Archived (archived because version 2 moved to Production)");
    }

    // (4)
    [Fact]
    public async Task A_requester_cancels_their_request()
    {
        var name = await Portal.CreateModelAsync("journey4", Stage.None);
        var reader = await Portal.CreateUserAsync(Roles.Reader);
        await Portal.Service<TransitionRequestService>().CreateAsync(reader.Actor, name, 1, "Staging", comment: "Try it in Staging?");
        var page = await NewBrowserAsync();
        await page.SignInAsync(reader, $"/models/{name}/versions/1");

        var request = page.PendingRequest("Staging");
        await Expect(request).ToContainTextAsync("“Try it in Staging?”");
        await request.Button("Cancel request").ClickAsync();

        await Expect(page.Message("Request cancelled.")).ToBeVisibleAsync();
        await Expect(request).ToHaveCountAsync(0);
        await Expect(page.PendingRequests()).ToContainTextAsync("No pending requests.");
        await Expect(page.ActivityItems(nameof(ActivityKind.Cancelled))).ToContainTextAsync($"{reader.Name} cancelled the request to move to Staging");
        await Expect(page.VersionStageChip()).ToHaveAttributeAsync("data-stage", "None");
    }

    // (5)
    [Fact]
    public async Task A_rejection_with_a_comment_appears_in_the_activity()
    {
        var name = await Portal.CreateModelAsync("journey5", Stage.None);
        var reader = await Portal.CreateUserAsync(Roles.Reader);
        await Portal.Service<TransitionRequestService>().CreateAsync(reader.Actor, name, 1, "Staging");
        var reviewer = await Portal.CreateUserAsync(Roles.StagingManager);
        var page = await NewBrowserAsync();
        await page.SignInAsync(reviewer, $"/models/{name}/versions/1");

        await page.PendingRequest("Staging").Button("Reject").ClickAsync();
        var dialog = page.OpenDialog();
        await Expect(dialog).ToContainTextAsync("Reject transition to Staging");
        await Expect(dialog.GetByRole(AriaRole.Checkbox)).ToHaveCountAsync(0); // archive-existing is for moves, not rejections
        await dialog.GetByLabel("Comment").FillAsync("The validation set is too small; rerun on the full holdout.");
        await dialog.Button("Reject").ClickAsync();

        await Expect(page.Message("Rejected.")).ToBeVisibleAsync();
        await Expect(page.PendingRequests()).ToContainTextAsync("No pending requests.");
        var rejected = page.ActivityItems(nameof(ActivityKind.Rejected));
        await Expect(rejected).ToContainTextAsync($"{reviewer.Name} rejected the transition to Staging");
        await Expect(rejected).ToContainTextAsync("“The validation set is too small; rerun on the full holdout.”");
        await Expect(page.VersionStageChip()).ToHaveAttributeAsync("data-stage", "None");
    }

    // (6)
    [Fact]
    public async Task A_long_description_shows_cut_to_one_line_in_the_versions_table()
    {
        const string description = "XGBoost classifier trained on eighteen months of card transactions.\nCalibrated with isotonic regression; decision threshold 0.42.";
        var name = await Portal.CreateModelAsync("journey6", Stage.None);
        var editor = await Portal.CreateUserAsync(Roles.Editor);
        var page = await NewBrowserAsync();
        await page.SignInAsync(editor, $"/models/{name}/versions/1");

        await page.Button("Edit description").ClickAsync();
        await page.GetByLabel("Description (markdown)").FillAsync(description);
        await page.Button("Save").ClickAsync();
        await Expect(page.Message("Description saved.")).ToBeVisibleAsync();
        await Expect(page.GetByText("Calibrated with isotonic regression; decision threshold 0.42.")).ToBeVisibleAsync();

        await page.BreadcrumbLink(name).ClickAsync();
        // The whole text is in the title, shown on hover.
        var shown = page.VersionRow(1).GetByTitle(description, new() { Exact = true });
        await Expect(shown).ToHaveTextAsync("XGBoost classifier trained on e…");
        // One line: the shown text sits in a single line box (a wrapped span would have one box per line).
        Assert.Equal(1, await shown.EvaluateAsync<int>("e => e.getClientRects().length"));
    }

    // (7)
    [Fact]
    public async Task Delete_is_refused_while_a_version_is_in_Production_and_works_after_archiving()
    {
        var name = await Portal.CreateModelAsync("journey7", Stage.Production, Stage.None);
        var manager = await Portal.CreateUserAsync(Roles.Manager);
        var page = await NewBrowserAsync();
        await page.SignInAsync(manager, $"/models/{name}");

        var delete = page.Button("Delete model");
        await Expect(delete).ToBeDisabledAsync();
        // The reason shows as text beside the button, and is the button's description for screen readers.
        var why = $"'{name}' has versions in Staging or Production: move them to None or Archived before deleting it.";
        await Expect(page.GetByText(why, new() { Exact = true }).First).ToBeVisibleAsync();
        await Expect(delete).ToHaveAccessibleDescriptionAsync(why);

        await page.VersionRow(1).GetByRole(AriaRole.Link, new() { Name = "Version 1", Exact = true }).ClickAsync();
        await Expect(page.Heading("Version 1")).ToBeVisibleAsync();
        await page.ChooseStageAsync("Transition to Archived");
        var dialog = page.OpenDialog();
        await Expect(dialog.GetByRole(AriaRole.Checkbox)).ToHaveCountAsync(0); // archive-existing is only for Staging and Production
        await dialog.Button("Transition").ClickAsync();
        await Expect(page.Message("Version 1 is now in Archived.")).ToBeVisibleAsync();
        await Expect(page.VersionStageChip()).ToHaveAttributeAsync("data-stage", "Archived");

        await page.BreadcrumbLink(name).ClickAsync();
        await Expect(page.VersionRow(1).Locator("[data-stage]")).ToHaveTextAsync("Archived");
        await Expect(delete).ToBeEnabledAsync();
        await delete.ClickAsync();
        var confirm = page.OpenDialog();
        await Expect(confirm.Button("Delete model")).ToBeDisabledAsync();
        await confirm.GetByLabel($"Type {name} to confirm").FillAsync(name);
        await confirm.Button("Delete model").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/models$"));
        await Expect(page.Message($"Deleted model '{name}'.")).ToBeVisibleAsync();
        await page.GetByLabel("Search models").FillAsync(name);
        await Expect(page.GetByLabel("Registered models", new() { Exact = true })).ToContainTextAsync($"No model matches \"{name}\".");
    }

    // (8)
    [Fact]
    public async Task Two_browsers_one_approves_and_the_other_sees_the_stage_change_without_reloading()
    {
        var name = await Portal.CreateModelAsync("journey8", Stage.None);
        var reader = await Portal.CreateUserAsync(Roles.Reader);
        await Portal.Service<TransitionRequestService>().CreateAsync(reader.Actor, name, 1, "Staging", comment: "Please stage it.");
        var reviewer = await Portal.CreateUserAsync(Roles.StagingManager);
        var versionPage = $"/models/{name}/versions/1";

        var watching = await NewBrowserAsync();
        await watching.SignInAsync(reader, versionPage);
        await Expect(watching.VersionStageChip()).ToHaveAttributeAsync("data-stage", "None");
        await Expect(watching.PendingRequest("Staging")).ToBeVisibleAsync();
        // Gone if the page reloads: proves the change arrives over the open connection.
        await watching.EvaluateAsync("() => window.e2eSameDocument = true");

        var approving = await NewBrowserAsync();
        await approving.SignInAsync(reviewer, versionPage);
        await approving.PendingRequest("Staging").Button("Approve").ClickAsync();
        await approving.OpenDialog().Button("Approve").ClickAsync();
        await Expect(approving.VersionStageChip()).ToHaveAttributeAsync("data-stage", "Staging");

        await Expect(watching.VersionStageChip()).ToHaveAttributeAsync("data-stage", "Staging");
        await Expect(watching.StageMenuButton()).ToHaveTextAsync("Stage: Staging");
        await Expect(watching.PendingRequests()).ToContainTextAsync("No pending requests.");
        await Expect(watching.ActivityItems(nameof(ActivityKind.Approved))).ToContainTextAsync($"{reviewer.Name} approved the request and moved it from None to Staging");
        Assert.True(await watching.EvaluateAsync<bool>("() => window.e2eSameDocument === true"), "The watching page reloaded.");
    }

    /// <summary>Opens Register Model on the model page, chooses the files and registers them.</summary>
    private static async Task RegisterByUploadAsync(IPage page, string? expectedSummary, params string[] files)
    {
        await page.Button("Register Model").ClickAsync();
        var dialog = page.OpenDialog();
        await dialog.GetByLabel("Choose files", new() { Exact = true }).SetInputFilesAsync(files);
        if (expectedSummary is not null) await Expect(dialog.GetByTestId("chosen-summary")).ToHaveTextAsync(expectedSummary);
        await Expect(dialog.GetByTestId("upload-progress")).ToHaveCountAsync(0); // no progress before anything is sent
        await dialog.Button("Register").ClickAsync();
    }

    [Fact]
    public async Task A_whole_model_folder_is_chosen_listed_with_sizes_trimmed_and_registered_with_its_layout()
    {
        var name = await Portal.CreateModelAsync("folder");
        var editor = await Portal.CreateUserAsync(Roles.Editor);
        var folder = Directory.CreateDirectory(Path.Combine(FilesFolder, "my-model")).FullName;
        Directory.CreateDirectory(Path.Combine(folder, "data"));
        File.WriteAllBytes(Path.Combine(folder, "MLmodel"), new byte[512]);
        File.WriteAllBytes(Path.Combine(folder, "data", "model.pkl"), new byte[2048]);
        File.WriteAllBytes(Path.Combine(folder, "notes.txt"), new byte[10]);
        var page = await NewBrowserAsync();
        await page.SignInAsync(editor, $"/models/{name}");

        await page.Button("Register Model").ClickAsync();
        var dialog = page.OpenDialog();
        await Expect(dialog.GetByRole(AriaRole.Group, new() { Name = "Model files", Exact = true })).ToContainTextAsync("Drop the model's files or its whole folder here");
        await dialog.GetByLabel("Choose folder", new() { Exact = true }).SetInputFilesAsync(folder);
        // Paths are inside the chosen folder (its own name is not part of the model), each with its size.
        var listed = dialog.GetByRole(AriaRole.List, new() { Name = "Chosen files", Exact = true }).GetByRole(AriaRole.Listitem);
        await Expect(listed).ToHaveCountAsync(3);
        await Expect(dialog.GetByTestId("chosen-summary")).ToHaveTextAsync("3 files, 2.5 KB");
        await Expect(listed.Filter(new() { HasText = "data/model.pkl" })).ToContainTextAsync("2 KB");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Remove notes.txt", Exact = true }).ClickAsync();
        await Expect(listed).ToHaveCountAsync(2);
        await Expect(dialog.GetByTestId("chosen-summary")).ToHaveTextAsync("2 files, 2.5 KB");
        await Expect(dialog.GetByTestId("upload-progress")).ToHaveCountAsync(0);
        await dialog.Button("Register").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/models/{name}/versions/1$"));
        var source = await SourceOfShownVersionAsync(page);
        var stored = Path.Combine(Portal.ArtifactsFolder, "registry", source[ModelFileStore.RegistryUriPrefix.Length..]);
        Assert.Equal(["MLmodel", Path.Combine("data", "model.pkl")],
            Directory.GetFiles(stored, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(stored, f)).Order(StringComparer.Ordinal));
    }

    /// <summary>The version page's source URI, as shown.</summary>
    private static async Task<string> SourceOfShownVersionAsync(IPage page)
    {
        var source = page.GetByText(new Regex($"^{Regex.Escape(ModelFileStore.RegistryUriPrefix)}[0-9a-f]{{32}}$"));
        await Expect(source).ToBeVisibleAsync();
        return (await source.TextContentAsync())!;
    }

    /// <summary>The files of a registered version are in the app's artifact folder.</summary>
    private void AssertStored(string source, params string[] files)
    {
        var folder = Path.Combine(Portal.ArtifactsFolder, "registry", source[ModelFileStore.RegistryUriPrefix.Length..]);
        Assert.Equal(files.Order(), Directory.GetFiles(folder).Select(Path.GetFileName).Order()!);
    }

    private string WriteFile(string name, int bytes)
    {
        var path = Path.Combine(FilesFolder, name);
        File.WriteAllBytes(path, Enumerable.Range(0, bytes).Select(i => (byte)i).ToArray());
        return path;
    }

    private string Zip(string name, params (string Name, int Bytes)[] entries)
    {
        var path = Path.Combine(FilesFolder, name);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (entryName, bytes) in entries)
        {
            using var stream = zip.CreateEntry(entryName).Open();
            stream.Write(Enumerable.Range(0, bytes).Select(i => (byte)i).ToArray());
        }
        return path;
    }
}
