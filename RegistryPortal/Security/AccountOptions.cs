using Microsoft.Extensions.Options;

namespace RegistryPortal.Security;

/// <summary>Settings under "Accounts".</summary>
public sealed class AccountOptions
{
    public const string Section = "Accounts";

    /// <summary>When false (the default), only admins create accounts.</summary>
    public bool AllowSelfRegistration { get; set; }
}

/// <summary>Settings under "Admin": the account created on first start.</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    public string Email { get; set; } = "admin@registry.local";
    /// <summary>Empty: a password is generated and printed once on the console.</summary>
    public string? Password { get; set; }
}

public sealed class ValidateAdminOptions : IValidateOptions<AdminOptions>
{
    public ValidateOptionsResult Validate(string? name, AdminOptions options)
    {
        var problems = new SettingProblems(AdminOptions.Section);
        // The account signs in by it; Identity's own check of the address comes only when the account is made.
        var email = options.Email?.Trim() ?? "";
        var at = email.IndexOf('@');
        if (at <= 0 || at == email.Length - 1)
            problems.Add(nameof(AdminOptions.Email), $"is '{options.Email}': give the admin account's email address (default admin@registry.local).");
        return problems.Result;
    }
}
