using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using RegistryPortal.Domain;
using RegistryPortal.Security;

namespace RegistryPortal.Api;

/// <summary>MLflow's error codes (databricks_pb2.ErrorCode) the API answers with, and their HTTP statuses.</summary>
public enum ApiErrorCode
{
    ResourceDoesNotExist,
    ResourceAlreadyExists,
    InvalidParameterValue,
    BadRequest,
    Unauthenticated,
    PermissionDenied,
    ResourceConflict,
    EndpointNotFound,
    RequestLimitExceeded,
    RequestTooLarge,
    InternalError,
}

/// <summary>A refusal decided by the API layer itself (a missing or malformed field), before any service is called.</summary>
public sealed class ApiException(ApiErrorCode code, string message) : Exception(message)
{
    public ApiErrorCode Code { get; } = code;
}

public static class ApiResults
{
    /// <summary>snake_case names, as MLflow's JSON has them; absent (null) fields are left out.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Messages keep their quotes and angle brackets readable; this is JSON for clients, never HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string WireName(this ApiErrorCode code) => code switch
    {
        ApiErrorCode.ResourceDoesNotExist => "RESOURCE_DOES_NOT_EXIST",
        ApiErrorCode.ResourceAlreadyExists => "RESOURCE_ALREADY_EXISTS",
        ApiErrorCode.InvalidParameterValue => "INVALID_PARAMETER_VALUE",
        ApiErrorCode.BadRequest => "BAD_REQUEST",
        ApiErrorCode.Unauthenticated => "UNAUTHENTICATED",
        ApiErrorCode.PermissionDenied => "PERMISSION_DENIED",
        ApiErrorCode.ResourceConflict => "RESOURCE_CONFLICT",
        ApiErrorCode.EndpointNotFound => "ENDPOINT_NOT_FOUND",
        ApiErrorCode.RequestLimitExceeded => "REQUEST_LIMIT_EXCEEDED",
        ApiErrorCode.RequestTooLarge => "BAD_REQUEST",
        _ => "INTERNAL_ERROR",
    };

    public static int HttpStatus(this ApiErrorCode code) => code switch
    {
        ApiErrorCode.ResourceDoesNotExist or ApiErrorCode.EndpointNotFound => StatusCodes.Status404NotFound,
        ApiErrorCode.ResourceAlreadyExists or ApiErrorCode.InvalidParameterValue or ApiErrorCode.BadRequest => StatusCodes.Status400BadRequest,
        ApiErrorCode.Unauthenticated => StatusCodes.Status401Unauthorized,
        ApiErrorCode.PermissionDenied => StatusCodes.Status403Forbidden,
        ApiErrorCode.ResourceConflict => StatusCodes.Status409Conflict,
        ApiErrorCode.RequestLimitExceeded => StatusCodes.Status429TooManyRequests,
        ApiErrorCode.RequestTooLarge => StatusCodes.Status413PayloadTooLarge,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static IResult Error(ApiErrorCode code, string message) =>
        Results.Json(new { error_code = code.WireName(), message }, Json, statusCode: code.HttpStatus());

    /// <summary>
    /// A service refusal as MLflow words it: its code, and MLflow's own message where MLflow has one
    /// (a model or version that does not exist, a model name that is taken); else the service's message.
    /// </summary>
    public static IResult From(RegistryError error) => error.Kind switch
    {
        ErrorKind.NotFound when error.Subject is { Version: { } v } s =>
            Error(ApiErrorCode.ResourceDoesNotExist, $"Model Version (name={s.ModelName}, version={v}) not found"),
        ErrorKind.NotFound when error.Subject is { } s =>
            Error(ApiErrorCode.ResourceDoesNotExist, $"Registered Model with name={s.ModelName} not found"),
        ErrorKind.NotFound => Error(ApiErrorCode.ResourceDoesNotExist, error.Message),
        ErrorKind.AlreadyExists when error.Subject is { } s =>
            Error(ApiErrorCode.ResourceAlreadyExists, $"Registered Model (name={s.ModelName}) already exists."),
        ErrorKind.AlreadyExists => Error(ApiErrorCode.ResourceAlreadyExists, error.Message),
        ErrorKind.InvalidValue => Error(ApiErrorCode.InvalidParameterValue, error.Message),
        ErrorKind.PermissionDenied => Error(ApiErrorCode.PermissionDenied, error.Message),
        ErrorKind.Conflict => Error(ApiErrorCode.ResourceConflict, error.Message),
        _ => Error(ApiErrorCode.InternalError, error.Message),
    };

    private static readonly object Empty = new { };

    /// <summary>
    /// Runs one API call like <see cref="RunAsync"/>, answering MLflow's empty object (<c>{}</c>) when <paramref name="handle"/>
    /// succeeds: a change with nothing to read back.
    /// </summary>
    public static Task<IResult> RunEmptyAsync(HttpContext http, Func<ApiRequest, Actor, CancellationToken, Task> handle) =>
        RunAsync(http, async (request, actor, ct) =>
        {
            await handle(request, actor, ct);
            return Empty;
        });

    /// <summary>
    /// Runs one API call: reads the request's fields, calls <paramref name="handle"/> as the signed-in actor,
    /// and answers 200 with its object, or with the MLflow error for whatever refused it.
    /// </summary>
    public static async Task<IResult> RunAsync(HttpContext http, Func<ApiRequest, Actor, CancellationToken, Task<object>> handle)
    {
        var ct = http.RequestAborted;
        try
        {
            // The API's authorization policy admits only principals of the API scheme, so this is the caller.
            var actor = Actor.From(http.User) ?? throw new ApiException(ApiErrorCode.Unauthenticated, "Authentication is required.");
            var request = await ApiRequest.ReadAsync(http.Request, ct);
            return Results.Json(await handle(request, actor, ct), Json);
        }
        catch (ApiException e)
        {
            return Error(e.Code, e.Message);
        }
        catch (RegistryError e)
        {
            return From(e);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw; // the client went away; nobody reads an answer
        }
        catch (Exception e)
        {
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("RegistryPortal.Api")
                .LogError(e, "API call {Method} {Path} failed.", http.Request.Method, http.Request.Path);
            return Error(ApiErrorCode.InternalError, "The server failed to handle this request; the error is in its log.");
        }
    }
}
