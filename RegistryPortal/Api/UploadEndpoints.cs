using Microsoft.AspNetCore.Http.Features;
using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Security;
using RegistryPortal.Storage;

namespace RegistryPortal.Api;

/// <summary>
/// The browser's Register Model dialog streams files here over plain HTTP (the Blazor connection is a
/// poor pipe for large files). Files go to the signed-in user's staging folder until they register.
/// </summary>
public static class UploadEndpoints
{
    public const string RequiredHeader = "X-Registry-Upload";

    public static IEndpointRouteBuilder MapUploadEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPut("/uploads/{uploadId:guid}/{**path}", SaveFile);
        endpoints.MapDelete("/uploads/{uploadId:guid}", DiscardUpload);
        return endpoints;
    }

    private static async Task<IResult> SaveFile(Guid uploadId, string path, HttpContext http, ModelFileStore files)
    {
        if (Refuse(http) is { } refusal) return refusal;
        // A model can be gigabytes; it streams into the store, so the store's file size limit is the one that applies.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
        try
        {
            var bytes = await files.SaveUploadAsync(Actor.From(http.User)!.UserId, uploadId, path, http.Request.Body, http.RequestAborted, http.Request.ContentLength);
            return Results.Ok(new { path, bytes });
        }
        catch (RegistryError e)
        {
            return Results.BadRequest(new { message = e.Message });
        }
    }

    private static async Task<IResult> DiscardUpload(Guid uploadId, HttpContext http, ModelFileStore files)
    {
        if (Refuse(http) is { } refusal) return refusal;
        await files.DiscardUploadAsync(Actor.From(http.User)!.UserId, uploadId, http.RequestAborted);
        return Results.NoContent();
    }

    /// <summary>A custom header cannot be sent cross-site without CORS, so another site cannot post files as the user.</summary>
    private static IResult? Refuse(HttpContext http) =>
        Actor.From(http.User) is null ? Results.Unauthorized()
        : !http.Request.Headers.ContainsKey(RequiredHeader) ? Results.BadRequest(new { message = $"Uploads need the {RequiredHeader} header." })
        : null;
}
