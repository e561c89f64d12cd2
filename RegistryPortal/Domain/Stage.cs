using System.Linq.Expressions;

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

    /// <summary>
    /// Staging and Production are live: something may be serving the version, so it cannot be deleted, nor its
    /// model renamed or deleted, until it is moved to None or Archived.
    /// </summary>
    public static bool IsLive(this Stage stage) => stage is Stage.Staging or Stage.Production;

    /// <summary>The same rule for a query (written out, so the database can use its index on the stage).</summary>
    public static readonly Expression<Func<ModelVersion, bool>> LiveVersion = v => v.Stage == Stage.Staging || v.Stage == Stage.Production;

    /// <summary>Archive-existing only makes sense when the target can hold "the" live version.</summary>
    public static bool AllowsArchiveExisting(this Stage target) => target.IsLive();
}
