using Microsoft.AspNetCore.Identity;

namespace RegistryPortal.Data;

public class ApplicationUser : IdentityUser
{
    /// <summary>The name shown beside the user's actions; the email when empty.</summary>
    [PersonalData]
    public string DisplayName { get; set; } = "";

    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
    public DateTime? LastSignInAt { get; set; }

    public string ShownName => string.IsNullOrWhiteSpace(DisplayName) ? UserName ?? Email ?? Id : DisplayName;
}
