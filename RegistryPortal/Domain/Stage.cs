namespace RegistryPortal.Domain;

/// <summary>The lifecycle stage of a model version. Stored as its canonical name.</summary>
public enum Stage
{
    None,
    Staging,
    Production,
    Archived,
}

public static class Stages
{
    public static readonly IReadOnlyList<Stage> All = [Stage.None, Stage.Staging, Stage.Production, Stage.Archived];

    /// <summary>
    /// Parses a stage name in any case ("production", "STAGING"); refuses anything else, also a name with spaces
    /// around it (" Production"), as MLflow's server does: a stray space is a client's bug worth seeing.
    /// </summary>
    public static Stage Parse(string? text)
    {
        foreach (var stage in All)
        {
            if (string.Equals(stage.ToString(), text, StringComparison.OrdinalIgnoreCase))
            {
                return stage;
            }
        }
        throw RegistryError.InvalidValue(
            $"'{text}' is not a stage. Use one of: None, Staging, Production, Archived.");
    }

    /// <summary>Archive-existing only makes sense when the target can hold "the" live version.</summary>
    public static bool AllowsArchiveExisting(this Stage target) => target is Stage.Staging or Stage.Production;
}
