namespace RegistryPortal.Domain;

/// <summary>The Identity roles and the level each gives on every model.</summary>
public static class Roles
{
    public const string Reader = "Reader";
    public const string Editor = "Editor";
    public const string StagingManager = "StagingManager";
    public const string ProductionManager = "ProductionManager";
    public const string Manager = "Manager";
    public const string Admin = "Admin";

    public static readonly IReadOnlyList<string> All = [Reader, Editor, StagingManager, ProductionManager, Manager, Admin];

    public static PermissionLevel LevelOf(string role) => role switch
    {
        Reader => PermissionLevel.Read,
        Editor => PermissionLevel.Edit,
        StagingManager => PermissionLevel.ManageStagingVersions,
        ProductionManager => PermissionLevel.ManageProductionVersions,
        Manager or Admin => PermissionLevel.Manage,
        _ => PermissionLevel.None,
    };
}
