namespace RegistryPortal.Domain;

public class TransitionRequest
{
    public int Id { get; set; }
    public int ModelId { get; set; }
    public int VersionId { get; set; }
    public ModelVersion? Version { get; set; }
    public Stage ToStage { get; set; }
    public bool ArchiveExisting { get; set; }
    public string Comment { get; set; } = "";
    public required string RequestedById { get; set; }
    public DateTime CreatedAt { get; set; }
    public RequestStatus Status { get; set; } = RequestStatus.Pending;
    public string? ResolvedById { get; set; }
    public DateTime? ResolvedAt { get; set; }
    public string ResolutionComment { get; set; } = "";
}
