using RegistryPortal.Domain;

namespace RegistryPortal.Components.Pages.Models.Components;

/// <summary>A target stage picked from the Stage dropdown; <see cref="Direct"/> when the user may make the move.</summary>
public sealed record StageMenuChoice(Stage Target, bool Direct);
