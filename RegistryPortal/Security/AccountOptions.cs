namespace RegistryPortal.Security;

/// <summary>Settings under "Accounts".</summary>
public sealed class AccountOptions
{
    /// <summary>When false (the default), only admins create accounts.</summary>
    public bool AllowSelfRegistration { get; set; }
}

/// <summary>Settings under "Admin": the account created on first start.</summary>
public sealed class AdminOptions
{
    public string Email { get; set; } = "admin@registry.local";
    /// <summary>Empty: a password is generated and printed once on the console.</summary>
    public string? Password { get; set; }
}
