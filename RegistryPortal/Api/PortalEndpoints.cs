using RegistryPortal.Registry.History;

namespace RegistryPortal.Api;

/// <summary>
/// The portal's own API, for what MLflow has no endpoint for; under /api/2.0/portal/, outside MLflow's paths, with the
/// same credentials (Basic or Bearer) and MLflow's error shape.
/// </summary>
public static class PortalEndpoints
{
    public const string Prefix = "/api/2.0/portal";

    public static IEndpointRouteBuilder MapPortalEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var portal = endpoints.MapGroup(Prefix).RequireAuthorization(MlflowApi.PolicyName);
        portal.MapGet("stage-history", StageHistory);
        return endpoints;
    }

    /// <summary>Which versions were in <c>stage</c> of model <c>name</c> at <c>time</c> (ms since 1970 or ISO-8601), and who moved them there when.</summary>
    private static Task<IResult> StageHistory(HttpContext http, StageHistoryService history) => ApiResults.RunAsync(http, async (req, actor, ct) =>
    {
        var (name, stage, at) = (req.Required("name"), req.Required("stage"), HistoryTime.Parse(req.Required("time")));
        var answer = await history.StageAtAsync(actor, name, stage, at, ct);
        return new
        {
            name = answer.ModelName,
            stage = answer.Stage.ToString(),
            time = WireFormat.EpochMilliseconds(answer.At),
            model_versions = answer.Versions.Select(v => new
            {
                version = v.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                moved_at = v.MovedIn is { } m ? WireFormat.EpochMilliseconds(m.At) : (long?)null,
                moved_by = v.MovedIn?.MovedBy,
                approved_request_id = v.MovedIn?.RequestId,
                comment = v.MovedIn?.Comment,
                detail = v.MovedIn?.Detail,
            }).ToList(),
        };
    });
}
