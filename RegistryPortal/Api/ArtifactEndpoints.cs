using Microsoft.AspNetCore.Http.Features;
using RegistryPortal.Domain;
using RegistryPortal.Security;
using RegistryPortal.Storage;
using RegistryPortal.Tracking;

namespace RegistryPortal.Api;

/// <summary>
/// MLflow's artifact proxy (mlflow-artifacts:/ URIs): PUT streams a file into the store, GET streams it back
/// (with HTTP ranges), GET on the collection lists a folder, DELETE removes a file or folder. Bodies are raw bytes, not JSON.
/// </summary>
public static class ArtifactEndpoints
{
    public static readonly IReadOnlyList<string> Prefixes = ["/api/2.0/mlflow-artifacts/artifacts", "/ajax-api/2.0/mlflow-artifacts/artifacts"];

    public static IEndpointRouteBuilder MapArtifactEndpoints(this IEndpointRouteBuilder endpoints)
    {
        foreach (var prefix in Prefixes)
        {
            var artifacts = endpoints.MapGroup(prefix).RequireAuthorization(MlflowApi.PolicyName);
            artifacts.MapPut("{**path}", Upload);
            artifacts.MapGet("{**path}", Download);
            artifacts.MapGet("", ListFolder);
            artifacts.MapDelete("{**path}", Delete);
        }
        return endpoints;
    }

    private static Task<IResult> Upload(string path, HttpContext http, ArtifactService service) => RunAsync(http, async (actor, ct) =>
    {
        path = Unencoded(path);
        // Models can be gigabytes; the body streams to disk, so the store's file size limit is the one that applies.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
        await service.UploadAsync(actor, path, http.Request.BodyReader, http.Request.ContentLength, ct);
        return Results.Json(new { }, ApiResults.Json);
    });

    private static Task<IResult> Download(string path, HttpContext http, ArtifactService service, IArtifactStore store) => RunAsync(http, async (actor, ct) =>
    {
        var missing = ApiResults.Error(ApiErrorCode.ResourceDoesNotExist, $"File '{path = Unencoded(path)}' does not exist.");
        if (await service.FileAsync(actor, path, ct) is not { } file) return missing;
        return await StoredFileResult.FileAsync(http, store, file.Key) ?? missing;
    });

    private static Task<IResult> Delete(string path, HttpContext http, ArtifactService service) => RunAsync(http, async (actor, ct) =>
    {
        await service.DeleteAsync(actor, Unencoded(path), ct);
        return Results.Json(new { }, ApiResults.Json);
    });

    /// <summary>The folder named by ?path=, its entries' paths relative to it.</summary>
    private static Task<IResult> ListFolder(HttpContext http, ArtifactService service) => RunAsync(http, async (actor, ct) =>
    {
        var folder = http.Request.Query["path"].ToString();
        var entries = await service.ListAsync(actor, folder, ct);
        var skip = folder.Trim('/').Length == 0 ? 0 : folder.Trim('/').Length + 1;
        return Results.Json(new { files = entries.Select(e => new FileInfoJson(e.Path[skip..], e.IsDir, e.FileSize)).ToList() }, ApiResults.Json);
    });

    /// <summary>
    /// Refuses a request to the artifact proxy whose path, as the client sent it, has '.' or '..' segments once its
    /// escapes (%2E, %2F, %5C) are decoded. The server removes dot segments before routing, so "a/%2E%2E/b" would
    /// otherwise quietly become "b" (or miss the proxy for a page): a client that sends one means something else, and
    /// is told. It runs first (before routing and sign-in), so every such request gets the same answer.
    /// </summary>
    public sealed class PathGuardFirst : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (http, nextMiddleware) =>
            {
                if (EscapingPath(http) is { } sent)
                {
                    await ApiResults.Error(ApiErrorCode.InvalidParameterValue,
                        $"'{sent}' is not a valid artifact path: use a relative path without '..', '.' or empty parts.").ExecuteAsync(http);
                    return;
                }
                await nextMiddleware(http);
            });
            next(app);
        };
    }

    /// <summary>The artifact path of a proxy request whose raw path has dot segments, or null.</summary>
    private static string? EscapingPath(HttpContext http)
    {
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw)) return null;
        var path = raw.Split('?', 2)[0];
        var prefix = Prefixes.FirstOrDefault(p => path.StartsWith(p + "/", StringComparison.OrdinalIgnoreCase));
        if (prefix is null) return null;
        var sent = Uri.UnescapeDataString(path[(prefix.Length + 1)..]);
        return sent.Replace('\\', '/').Split('/').Any(s => s is "." or "..") ? sent : null;
    }

    /// <summary>
    /// A catch-all route value keeps encoded slashes ("..%2F.."); they are turned into real ones here so the
    /// store's checks see the path a file system would, and refuse what escapes it.
    /// </summary>
    internal static string Unencoded(string path) =>
        path.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase).Replace("%5C", "\\", StringComparison.OrdinalIgnoreCase);

    private static async Task<IResult> RunAsync(HttpContext http, Func<Actor, CancellationToken, Task<IResult>> handle)
    {
        try
        {
            var actor = Actor.From(http.User) ?? throw new ApiException(ApiErrorCode.Unauthenticated, "Authentication is required.");
            return await handle(actor, http.RequestAborted);
        }
        catch (ApiException e)
        {
            return ApiResults.Error(e.Code, e.Message);
        }
        catch (RegistryError e)
        {
            return ApiResults.From(e);
        }
    }
}
