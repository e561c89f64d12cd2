namespace RegistryPortal.Domain;

/// <summary>Registration status, named as MLflow names it on the wire.</summary>
public enum VersionStatus
{
    PendingRegistration,
    Ready,
    FailedRegistration,
}

public static class VersionStatuses
{
    public static string WireName(this VersionStatus status) => status switch
    {
        VersionStatus.PendingRegistration => "PENDING_REGISTRATION",
        VersionStatus.Ready => "READY",
        VersionStatus.FailedRegistration => "FAILED_REGISTRATION",
        _ => status.ToString(),
    };
}
