namespace RegistryPortal.Domain;

/// <summary>Raises one user's level on one model above what their roles give.</summary>
public class ModelPermissionGrant
{
    public int ModelId { get; set; }
    public required string UserId { get; set; }
    public PermissionLevel Level { get; set; }
    public required string GrantedById { get; set; }
    public DateTime GrantedAt { get; set; }
}
