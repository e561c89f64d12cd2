namespace RegistryPortal.Domain;

/// <summary>Per-model permission levels, ordered: a higher level includes every lower one.</summary>
public enum PermissionLevel
{
    None = 0,
    Read = 1,
    Edit = 2,
    ManageStagingVersions = 3,
    ManageProductionVersions = 4,
    Manage = 5,
}

public static class PermissionLevels
{
    public static string DisplayName(this PermissionLevel level) => level switch
    {
        PermissionLevel.None => "No access",
        PermissionLevel.Read => "Read",
        PermissionLevel.Edit => "Edit",
        PermissionLevel.ManageStagingVersions => "Manage Staging Versions",
        PermissionLevel.ManageProductionVersions => "Manage Production Versions",
        PermissionLevel.Manage => "Manage",
        _ => level.ToString(),
    };

    /// <summary>
    /// The level a stage move needs: any move from or to Production needs Manage Production Versions;
    /// moves among None, Staging and Archived need Manage Staging Versions.
    /// </summary>
    public static PermissionLevel RequiredToMove(Stage from, Stage to) =>
        from == Stage.Production || to == Stage.Production
            ? PermissionLevel.ManageProductionVersions
            : PermissionLevel.ManageStagingVersions;

    public static bool MayMove(this PermissionLevel level, Stage from, Stage to) => level >= RequiredToMove(from, to);
}
