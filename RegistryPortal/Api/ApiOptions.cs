using Microsoft.Extensions.Options;

namespace RegistryPortal.Api;

/// <summary>Settings under "Api": how MLflow's clients' sign-ins are remembered and limited.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";
    public const double DefaultCredentialCacheMinutes = 5;
    public const int DefaultFailedSignInsPerMinute = 60;

    /// <summary>How long a verified Basic user name and password is remembered; 0 checks the password on every call.</summary>
    public double CredentialCacheMinutes { get; set; } = DefaultCredentialCacheMinutes;

    /// <summary>Failed API sign-ins one address may make in a minute before it is answered 429.</summary>
    public int FailedSignInsPerMinute { get; set; } = DefaultFailedSignInsPerMinute;
}

public sealed class ValidateApiOptions : IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        var problems = new SettingProblems(ApiOptions.Section);
        // A day at most: remembering longer saves nothing, and a huge value overflows the expiry time.
        problems.Range(nameof(ApiOptions.CredentialCacheMinutes), options.CredentialCacheMinutes, 0, 24 * 60, "minutes",
            ApiOptions.DefaultCredentialCacheMinutes);
        problems.Range(nameof(ApiOptions.FailedSignInsPerMinute), options.FailedSignInsPerMinute, 0, int.MaxValue, "sign-ins",
            ApiOptions.DefaultFailedSignInsPerMinute, aboveMin: true);
        return problems.Result;
    }
}
