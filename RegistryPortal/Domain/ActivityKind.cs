namespace RegistryPortal.Domain;

/// <summary>What an activity event records. Every change to the registry appends one.</summary>
public enum ActivityKind
{
    ModelCreated,
    ModelRenamed,
    ModelDeleted,
    ModelDescribed,
    ModelTagged,
    ModelUntagged,
    ModelSettingsChanged,
    VersionRegistered,
    RegistrationCompleted,
    RegistrationFailed,
    VersionDescribed,
    VersionTagged,
    VersionUntagged,
    VersionDeleted,
    Transitioned,
    Requested,
    Approved,
    Rejected,
    Cancelled,
    Superseded,
    Commented,
    AliasSet,
    AliasDeleted,
    PermissionGranted,
    PermissionRevoked,
    // Admin actions on accounts: no model; ActivityEvent.SubjectUserId says whose account.
    UserCreated,
    UserRolesChanged,
    UserLocked,
    UserUnlocked,
    UserPasswordReset,
    UserDeleted,
}
