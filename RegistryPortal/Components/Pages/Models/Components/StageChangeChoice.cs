namespace RegistryPortal.Components.Pages.Models.Components;

public sealed record StageChangeChoice(string Comment, bool ArchiveExisting);
