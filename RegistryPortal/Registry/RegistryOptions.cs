using Microsoft.Extensions.Options;

namespace RegistryPortal.Registry;

/// <summary>Settings under "Registry" (README, Configuration).</summary>
public sealed class RegistryOptions
{
    public const string Section = "Registry";
    public const double DefaultRegistrationWaitSeconds = 5;
    public const double DefaultRecoverAfterMinutes = 30;

    /// <summary>How long registering from the portal's own files waits for the copy before answering PENDING_REGISTRATION.</summary>
    public double RegistrationWaitSeconds { get; set; } = DefaultRegistrationWaitSeconds;

    /// <summary>An admin's choice to let a version's source be any path on the server.</summary>
    public bool AllowLocalSources { get; set; }

    /// <summary>PostgreSQL: how long work must be untouched before an instance treats it as left by a stopped one.</summary>
    public double RecoverAfterMinutes { get; set; } = DefaultRecoverAfterMinutes;
}

public sealed class ValidateRegistryOptions : IValidateOptions<RegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistryOptions options)
    {
        var problems = new SettingProblems(RegistryOptions.Section);
        // Bounds well inside what a timer can wait (49 days).
        problems.Range(nameof(RegistryOptions.RegistrationWaitSeconds), options.RegistrationWaitSeconds, 0, 3600, "seconds",
            RegistryOptions.DefaultRegistrationWaitSeconds);
        problems.Range(nameof(RegistryOptions.RecoverAfterMinutes), options.RecoverAfterMinutes, 0, 30 * 24 * 60, "minutes",
            RegistryOptions.DefaultRecoverAfterMinutes, aboveMin: true);
        return problems.Result;
    }
}

/// <summary>Settings under "Demo": <c>Seed</c> adds the demo models on start (once), as the flag --seed-demo does.</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    public bool Seed { get; set; }
}
