namespace RegistryPortal.Domain;

public class ModelVersion
{
    public int Id { get; set; }
    public int ModelId { get; set; }
    public RegisteredModel? Model { get; set; }
    public int Number { get; set; }
    /// <summary>Artifact URI of the model files.</summary>
    public string Source { get; set; } = "";
    /// <summary>The experiment run that produced the version (lineage); empty for an uploaded model.</summary>
    public string RunId { get; set; } = "";
    public string RunLink { get; set; } = "";
    /// <summary>The MLflow 3 logged model it was registered from (<c>m-…</c>, <c>model_id</c> on the wire); empty for other sources.</summary>
    public string LoggedModelId { get; set; } = "";
    /// <summary>Where the registry keeps its own copy of the files (get-download-uri); empty: the source itself.</summary>
    public string StorageLocation { get; set; } = "";
    public VersionStatus Status { get; set; } = VersionStatus.Ready;
    public string StatusMessage { get; set; } = "";
    public Stage Stage { get; set; } = Stage.None;
    public string Description { get; set; } = "";
    public required string CreatedById { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>Optimistic concurrency token: set when created and renewed at each update (RegistryDbContext), not in the constructor: reading
    /// hundreds of rows would otherwise draw a random Guid (a system call) for each, only to overwrite it.</summary>
    public Guid ConcurrencyStamp { get; set; }

    public List<VersionTag> Tags { get; set; } = [];
}

public class VersionTag
{
    public int VersionId { get; set; }
    public required string Key { get; set; }
    public string Value { get; set; } = "";
}
