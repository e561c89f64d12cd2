namespace RegistryPortal.Domain;

/// <summary>The registry-wide settings admins change in the browser: one row (<see cref="SingletonId"/>), absent until first changed.</summary>
public class RegistrySettings
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    /// <summary>Four-eyes protection for every model that has no setting of its own.</summary>
    public bool FourEyesByDefault { get; set; }
}
