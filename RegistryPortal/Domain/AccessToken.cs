namespace RegistryPortal.Domain;

/// <summary>
/// A personal access token for the HTTP API. Only a SHA-256 hash of the secret is stored; the secret
/// itself is shown once, when the token is created.
/// </summary>
public class AccessToken
{
    public int Id { get; set; }
    public required string UserId { get; set; }
    public required string Name { get; set; }
    /// <summary>Lower-case hex SHA-256 of the whole secret.</summary>
    public required string SecretHash { get; set; }
    /// <summary>The secret's first characters, so its owner can tell tokens apart.</summary>
    public required string Prefix { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
}
