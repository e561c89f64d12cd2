namespace RegistryPortal.Tracking;

/// <summary>An MLflow experiment: a named group of runs. Ids are numbers, sent as strings on the wire.</summary>
public class Experiment
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public string ArtifactLocation { get; set; } = "";
    public string LifecycleStage { get; set; } = LifecycleStages.Active;
    public long CreationTime { get; set; }
    public long LastUpdateTime { get; set; }
    public List<ExperimentTag> Tags { get; set; } = [];
}

public class ExperimentTag
{
    public int ExperimentId { get; set; }
    public required string Key { get; set; }
    public string Value { get; set; } = "";
}

/// <summary>One training run: the lineage source of a model version.</summary>
public class Run
{
    /// <summary>32 hex characters, as MLflow's run ids.</summary>
    public required string Id { get; set; }
    public int ExperimentId { get; set; }
    public string Name { get; set; } = "";
    public string UserId { get; set; } = "";
    public string Status { get; set; } = RunStatuses.Running;
    public long StartTime { get; set; }
    public long? EndTime { get; set; }
    public string ArtifactUri { get; set; } = "";
    public string LifecycleStage { get; set; } = LifecycleStages.Active;
    public List<RunParam> Params { get; set; } = [];
    public List<RunTag> Tags { get; set; } = [];
}

public class RunParam
{
    public required string RunId { get; set; }
    public required string Key { get; set; }
    public string Value { get; set; } = "";
}

public class RunTag
{
    public required string RunId { get; set; }
    public required string Key { get; set; }
    public string Value { get; set; } = "";
}

/// <summary>One logged metric value; a key's history is every row of that key, ordered by step and time.</summary>
public class RunMetric
{
    public long Id { get; set; }
    public required string RunId { get; set; }
    public required string Key { get; set; }
    public double Value { get; set; }
    public long Timestamp { get; set; }
    public long Step { get; set; }
}

public static class LifecycleStages
{
    public const string Active = "active";
    public const string Deleted = "deleted";
}

public static class RunStatuses
{
    public const string Running = "RUNNING";
    public static readonly IReadOnlyList<string> All = ["RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"];
}
