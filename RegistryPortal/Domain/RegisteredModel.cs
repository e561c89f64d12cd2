namespace RegistryPortal.Domain;

public class RegisteredModel
{
    public int Id { get; set; }
    public required string Name { get; set; }
    /// <summary>Upper-cased name, unique: names are compared case-insensitively.</summary>
    public required string NormalizedName { get; set; }
    public string Description { get; set; } = "";
    public required string CreatedById { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>The number the last registered version got; never decreases, so numbers are never reused.</summary>
    public int LastVersionNumber { get; set; }
    /// <summary>When set, every move to Staging or Production archives the version that was there.</summary>
    public bool OneVersionPerStage { get; set; }
    /// <summary>Four-eyes protection (<see cref="Domain.FourEyes"/>) for this model; null follows the registry's default.</summary>
    public bool? FourEyes { get; set; }
    /// <summary>Optimistic concurrency token: set when created and renewed at each update (RegistryDbContext), not in the constructor: reading
    /// hundreds of rows would otherwise draw a random Guid (a system call) for each, only to overwrite it.</summary>
    public Guid ConcurrencyStamp { get; set; }
    /// <summary>Renewed by every save that changes what the model's view shows (its row, versions, tags, aliases; RegistryDbContext):
    /// a view cached under it (<see cref="Registry.ModelViewCache"/>) is current while it is unchanged, on any instance.</summary>
    public Guid ContentStamp { get; set; }

    public List<ModelVersion> Versions { get; set; } = [];
    public List<ModelTag> Tags { get; set; } = [];
    public List<ModelAlias> Aliases { get; set; } = [];
}

public class ModelTag
{
    public int ModelId { get; set; }
    public required string Key { get; set; }
    public string Value { get; set; } = "";
}

public class ModelAlias
{
    public int ModelId { get; set; }
    public required string Alias { get; set; }
    public int VersionId { get; set; }
    public ModelVersion? Version { get; set; }
}
