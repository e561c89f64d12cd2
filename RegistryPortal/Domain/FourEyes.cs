namespace RegistryPortal.Domain;

/// <summary>
/// Four-eyes protection, "Production needs an approved request": when it is on for a model, nobody (not even Manage
/// or Admin) moves a version into or out of Production directly, and such a request is approved by someone other
/// than its requester. Moves among None, Staging and Archived are not affected.
/// </summary>
public static class FourEyes
{
    /// <summary>The moves four-eyes protects: into or out of Production.</summary>
    public static bool Covers(Stage from, Stage to) => from == Stage.Production || to == Stage.Production;

    /// <summary>Whether a user may make a move without a request.</summary>
    public static bool MayMoveDirectly(PermissionLevel level, Stage from, Stage to, bool fourEyes) =>
        level.MayMove(from, to) && !(fourEyes && Covers(from, to));

    /// <summary>Why a user with the level for the move still may not approve this request, or null when they may.</summary>
    public static string? ApprovalBlockedBecause(Stage from, Stage to, bool fourEyes, bool isRequester) =>
        fourEyes && isRequester && Covers(from, to)
            ? "Four-eyes protection is on: someone other than the requester must approve a move into or out of Production."
            : null;

    /// <summary>The one approve rule: the level for the move, and under four-eyes not the requester.</summary>
    public static bool MayApprove(PermissionLevel level, Stage from, Stage to, bool fourEyes, bool isRequester) =>
        level.MayMove(from, to) && ApprovalBlockedBecause(from, to, fourEyes, isRequester) is null;
}
