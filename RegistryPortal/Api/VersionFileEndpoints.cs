using RegistryPortal.Domain;
using RegistryPortal.Registry.ModelCard;
using RegistryPortal.Security;
using RegistryPortal.Storage;

namespace RegistryPortal.Api;

/// <summary>
/// The version page's downloads, for the signed-in browser (its cookie): one file of a version, or all of them as a zip
/// streamed while it is written. The service checks Read and keeps paths inside the version's folder.
/// </summary>
public static class VersionFileEndpoints
{
    public static IEndpointRouteBuilder MapVersionFileEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/models/{name}/versions/{number:int}/files/{**path}", DownloadFile);
        endpoints.MapGet("/models/{name}/versions/{number:int}/download.zip", DownloadAll);
        return endpoints;
    }

    /// <summary>The page's link to a file of a version (the endpoint above).</summary>
    public static string FileLink(string name, int number, string path) =>
        $"models/{Uri.EscapeDataString(name)}/versions/{number}/files/{string.Join('/', path.Split('/').Select(Uri.EscapeDataString))}";

    public static string ZipLink(string name, int number) => $"models/{Uri.EscapeDataString(name)}/versions/{number}/download.zip";

    private static async Task<IResult> DownloadFile(string name, int number, string path, HttpContext http, VersionFiles files, IArtifactStore store)
    {
        try
        {
            var file = await files.FileAsync(Actor.From(http.User)!, name, number, ArtifactEndpoints.Unencoded(path), http.RequestAborted);
            return await StoredFileResult.FileAsync(http, store, file.Key)
                ?? throw RegistryError.NotFound($"Version {number} of '{name}' has no file '{path}'.");
        }
        catch (RegistryError e)
        {
            return ApiResults.From(e);
        }
    }

    private static async Task<IResult> DownloadAll(string name, int number, HttpContext http, VersionFiles files)
    {
        VersionFolder folder;
        try
        {
            folder = await files.FolderWithFilesAsync(Actor.From(http.User)!, name, number, http.RequestAborted);
        }
        catch (RegistryError e)
        {
            return ApiResults.From(e);
        }
        http.Response.ContentType = "application/zip";
        http.Response.Headers.ContentDisposition = new System.Net.Mime.ContentDisposition { FileName = VersionFiles.ZipName(folder.Version) }.ToString();
        await files.WriteZipAsync(folder, new PipeBufferStream(http.Response.BodyWriter), http.RequestAborted);
        await http.Response.BodyWriter.FlushAsync(http.RequestAborted);
        return Results.Empty;
    }
}
