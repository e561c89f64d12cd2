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

    /// <summary>What several roles give together: the highest of their levels (None for no role).</summary>
    public static PermissionLevel LevelOfAll(IEnumerable<string> roles) =>
        roles.Select(LevelOf).DefaultIfEmpty(PermissionLevel.None).Max();

    /// <summary>
    /// Of several roles, the one that says it all: each role includes every ability of those before it in
    /// <see cref="All"/>, so the last one held wins. Null for no role.
    /// </summary>
    public static string? Highest(IEnumerable<string> roles)
    {
        var held = roles.ToHashSet();
        return All.LastOrDefault(held.Contains);
    }

    /// <summary>A role in the words of the permission levels ("Manage Staging Versions"); Admin is its own word.</summary>
    public static string DisplayName(string role) => role == Admin ? "Admin" : LevelOf(role).DisplayName();

    /// <summary>Only this role manages users, roles, every model's grants, and reads the audit log.</summary>
    public static bool ManagesUsers(string role) => role == Admin;

    /// <summary>What each role is for, in the words of the Roles page.</summary>
    public static string Describe(string role) => role switch
    {
        Reader => "Sees every model; requests transitions and comments.",
        Editor => "Also creates models, registers versions, edits descriptions, tags and aliases.",
        StagingManager => "Also moves versions among None, Staging and Archived, and reviews such requests.",
        ProductionManager => "Also moves versions to and from Production, and reviews such requests.",
        Manager => "Manage on every model: rename, delete, cancel any request, change permissions.",
        Admin => "Manage on every model, and manages users, roles and the audit log.",
        _ => "",
    };
}
