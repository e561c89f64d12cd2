namespace RegistryPortal.Tracking;

/// <summary>
/// An MLflow 3 logged model: a model logged from training code, with its own id (<c>m-</c> + 32 hex), files under
/// <c>mlflow-artifacts:/&lt;experiment&gt;/models/&lt;id&gt;/artifacts</c>, params, tags and metrics. Registering it
/// copies its files into the registry; the version keeps the id.
/// </summary>
public class LoggedModel
{
    public required string Id { get; set; }
    public int ExperimentId { get; set; }
    public required string Name { get; set; }
    /// <summary>The run that logged it; empty when it was logged outside a run.</summary>
    public string SourceRunId { get; set; } = "";
    public string ModelType { get; set; } = "";
    public string Status { get; set; } = LoggedModelStatuses.Pending;
    public string StatusMessage { get; set; } = "";
    public string ArtifactUri { get; set; } = "";
    public string LifecycleStage { get; set; } = LifecycleStages.Active;
    /// <summary>The portal user who logged it.</summary>
    public string CreatedById { get; set; } = "";
    public long CreationTime { get; set; }
    public long LastUpdatedTime { get; set; }
    public List<LoggedModelParam> Params { get; set; } = [];
    public List<LoggedModelTag> Tags { get; set; } = [];
}

public class LoggedModelParam
{
    public required string ModelId { get; set; }
    public required string Key { get; set; }
    public string Value { get; set; } = "";
}

public class LoggedModelTag
{
    public required string ModelId { get; set; }
    public required string Key { get; set; }
    public string Value { get; set; } = "";
}

/// <summary>A metric value logged for a logged model (a metric of <c>runs/log-batch</c> that names a <c>model_id</c>).</summary>
public class LoggedModelMetric
{
    public long Id { get; set; }
    public required string ModelId { get; set; }
    /// <summary>The run it was logged in.</summary>
    public required string RunId { get; set; }
    public required string Key { get; set; }
    public double Value { get; set; }
    public long Timestamp { get; set; }
    public long Step { get; set; }
}

/// <summary>A model a run produced (<c>runs/outputs</c>): what <c>runs/get</c> answers under <c>outputs.model_outputs</c>.</summary>
public class RunModelOutput
{
    public required string RunId { get; set; }
    public required string ModelId { get; set; }
    public long Step { get; set; }
}

/// <summary>The status names of MLflow's LoggedModelStatus, as the wire carries them.</summary>
public static class LoggedModelStatuses
{
    public const string Pending = "LOGGED_MODEL_PENDING";
    public const string Ready = "LOGGED_MODEL_READY";
    public const string UploadFailed = "LOGGED_MODEL_UPLOAD_FAILED";
    public static readonly IReadOnlyList<string> All = [Pending, Ready, UploadFailed];
}
