namespace RegistryPortal.Domain;

/// <summary>What a user may do on a model; each ability has a lowest permission level (<see cref="Abilities.LowestLevel"/>).</summary>
public enum Ability
{
    /// <summary>See models, versions, requests, activity; download artifacts; request a transition; comment.</summary>
    Read,
    /// <summary>Register a version; edit descriptions, tags, aliases.</summary>
    Edit,
    /// <summary>Move, approve or reject among None, Staging and Archived.</summary>
    ManageStagingVersions,
    /// <summary>Move, approve or reject to or from Production.</summary>
    ManageProductionVersions,
    /// <summary>Rename, delete, cancel others' requests, change the model's permissions.</summary>
    Manage,
}

public static class Abilities
{
    public static PermissionLevel LowestLevel(this Ability ability) => ability switch
    {
        Ability.Read => PermissionLevel.Read,
        Ability.Edit => PermissionLevel.Edit,
        Ability.ManageStagingVersions => PermissionLevel.ManageStagingVersions,
        Ability.ManageProductionVersions => PermissionLevel.ManageProductionVersions,
        Ability.Manage => PermissionLevel.Manage,
        _ => throw new ArgumentOutOfRangeException(nameof(ability)),
    };

    public static bool Allows(this PermissionLevel level, Ability ability) => level >= ability.LowestLevel();

    /// <summary>The ability in words a user reads, as the Roles page shows it.</summary>
    public static string Description(this Ability ability) => ability switch
    {
        Ability.Read => "See models, versions, requests, activity; download artifacts; request a transition; comment",
        Ability.Edit => "Create a model; register a version; edit descriptions, tags, aliases",
        Ability.ManageStagingVersions => "Move / approve / reject among None, Staging, Archived",
        Ability.ManageProductionVersions => "Move / approve / reject to or from Production",
        Ability.Manage => "Rename, delete, cancel others' requests, change the model's permissions",
        _ => ability.ToString(),
    };
}
