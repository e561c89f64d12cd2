namespace RegistryPortal.Domain;

public enum RequestStatus
{
    Pending,
    Approved,
    Rejected,
    Cancelled,
    /// <summary>Closed because the version reached the target stage another way.</summary>
    Superseded,
}
