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
    /// <summary>Four-eyes protection switched for one model (also listed in the audit log).</summary>
    FourEyesChanged,
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
    /// <summary>A registry-wide setting changed by an admin (no model).</summary>
    RegistrySettingsChanged,
}
