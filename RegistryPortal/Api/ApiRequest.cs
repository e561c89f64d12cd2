using System.Globalization;
using System.Text.Json;
using Microsoft.Net.Http.Headers;
using RegistryPortal.Registry;

namespace RegistryPortal.Api;

/// <summary>
/// The fields of one API request, as MLflow's clients send them: GET in the query string (a list as
/// repeated keys: <c>stages=Staging&amp;stages=Production</c>); POST and PATCH as a JSON object; DELETE as a
/// JSON object or in the query string. Unknown fields are ignored. Each field is read by its type in MLflow's
/// protocol, and a body field of another JSON type is refused (see <see cref="WireType"/>).
/// </summary>
public sealed class ApiRequest
{
    private readonly IReadOnlyDictionary<string, JsonElement> body;
    private readonly IQueryCollection? query;

    private ApiRequest(IReadOnlyDictionary<string, JsonElement> body, IQueryCollection? query)
    {
        this.body = body;
        this.query = query;
    }

    public static async Task<ApiRequest> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        var method = request.Method;
        var readsQuery = HttpMethods.IsGet(method) || HttpMethods.IsDelete(method) || HttpMethods.IsHead(method);
        var body = HttpMethods.IsGet(method) || HttpMethods.IsHead(method)
            ? new Dictionary<string, JsonElement>()
            : await ReadBodyAsync(request, ct);
        return new ApiRequest(body, readsQuery ? request.Query : null);
    }

    /// <summary>
    /// The fields of a JSON object nested in a request (one of log-batch's metrics), each named
    /// <paramref name="prefix"/> + its name, so a refusal names the field as "metrics[2].value".
    /// </summary>
    public static ApiRequest FromObject(JsonElement element, string prefix) =>
        new(element.EnumerateObject().ToDictionary(p => prefix + p.Name, p => p.Value, StringComparer.Ordinal), null);

    /// <summary>The largest JSON body a call may send (a log-batch at MLflow's limits is well under 1 MB); files go to the artifact proxy.</summary>
    public const int MaxBodyBytes = 16 << 20;

    private static async Task<Dictionary<string, JsonElement>> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes) throw TooLarge();
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) throw TooLarge();
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0 || buffer.ToArray().All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            return [];
        // A cross-site HTML form can post text/plain, urlencoded or multipart bodies without the browser
        // asking first (no CORS preflight); MLflow's clients send JSON. Refusing form types keeps forms out.
        if (MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && IsFormType(type.MediaType.Value))
            throw new ApiException(ApiErrorCode.BadRequest,
                $"Send the request's fields as JSON with 'Content-Type: application/json', not as {type.MediaType.Value}.");
        if (!System.Text.Unicode.Utf8.IsValid(buffer.GetBuffer().AsSpan(0, (int)buffer.Length))) throw NotUtf8();
        JsonDocument document;
        try
        {
            buffer.Position = 0;
            document = await JsonDocument.ParseAsync(buffer, cancellationToken: ct);
        }
        catch (JsonException e)
        {
            throw new ApiException(ApiErrorCode.BadRequest, $"Malformed request: the body is not valid JSON ({e.Message}).");
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
            throw new ApiException(ApiErrorCode.BadRequest, "Malformed request: the body must be a JSON object of the request's fields.");
        // JSON's parser lets escaped lone surrogates ("\ud800") through inside strings; reading them later would fail.
        if (!TextIsReadable(document.RootElement)) throw NotUtf8();
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject()) fields[property.Name] = property.Value.Clone();
        return fields;
    }

    private static ApiException NotUtf8() =>
        new(ApiErrorCode.BadRequest, "Malformed request: the body holds text that is not valid UTF-8. Send JSON encoded as UTF-8.");

    private static ApiException TooLarge() =>
        new(ApiErrorCode.RequestTooLarge, $"The request body is over {MaxBodyBytes >> 20} MB. Send fewer values per call (files go to the artifact proxy).");

    /// <summary>Whether every string (and property name) in the JSON reads as text.</summary>
    private static bool TextIsReadable(JsonElement element)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String: element.GetString(); return true;
                case JsonValueKind.Array: return element.EnumerateArray().All(TextIsReadable);
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        _ = property.Name;
                        if (!TextIsReadable(property.Value)) return false;
                    }
                    return true;
                default: return true;
            }
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool IsFormType(string? mediaType) =>
        mediaType is not null && (mediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The JSON types a field of MLflow's protocol may arrive as, as protobuf's JSON mapping allows them: a string only
    /// as a string; an int64 or double as a number or a numeric string; a bool only as true or false; an enum as its
    /// name or number. One check for every endpoint: each reads a field by its protocol type, and a mismatch
    /// (<c>"name": 12345</c>, <c>"archive_existing_versions": "true"</c>) is refused naming the field and the type.
    /// </summary>
    private enum WireType { Text, Number, Boolean, Enum }

    /// <summary>A text field, or null when absent (or JSON null).</summary>
    public string? Optional(string field) => Value(field, WireType.Text);

    private string? Value(string field, WireType type)
    {
        if (body.TryGetValue(field, out var element)) return Scalar(field, element, type);
        if (query is not null && query.TryGetValue(field, out var values) && values.Count > 0) return values[^1];
        return null;
    }

    /// <summary>An enum field (MLflow's LoggedModelStatus): its name, or its number as protobuf's JSON allows.</summary>
    public string RequiredEnum(string field) =>
        Value(field, WireType.Enum) is { Length: > 0 } value ? value : throw Missing(field);

    /// <summary>A text field that must be present and non-empty.</summary>
    public string Required(string field) =>
        Optional(field) is { Length: > 0 } value ? value : throw Missing(field);

    /// <summary>A text field that must be sent but may be empty (a tag's value).</summary>
    public string RequiredOrEmpty(string field) => Optional(field) ?? throw Missing(field);

    /// <summary>The fields every MLflow search takes: filter, order_by, max_results, page_token.</summary>
    public SearchQuery SearchQuery() => new(Optional("filter"), List("order_by"), OptionalInt("max_results"), Optional("page_token"));

    /// <summary>A model version number: MLflow sends it as a string ("3").</summary>
    public int RequiredVersion(string field = "version")
    {
        var text = Required(field);
        return int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new ApiException(ApiErrorCode.InvalidParameterValue,
                $"Invalid value '{text}' for parameter '{field}': a model version is a positive whole number such as \"3\".");
    }

    public int? OptionalInt(string field)
    {
        if (Value(field, WireType.Number) is not { Length: > 0 } text) return null;
        return long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? (int)Math.Clamp(number, int.MinValue, int.MaxValue)
            : throw new ApiException(ApiErrorCode.InvalidParameterValue, $"Invalid value '{text}' for parameter '{field}': expected a whole number.");
    }

    public bool? OptionalBool(string field) => Value(field, WireType.Boolean) switch
    {
        null or "" => null,
        var text when text.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
        var text when text.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
        var text => throw new ApiException(ApiErrorCode.InvalidParameterValue, $"Invalid value '{text}' for parameter '{field}': expected true or false."),
    };

    public bool RequiredBool(string field) => OptionalBool(field) ?? throw Missing(field);

    /// <summary>A list of texts: a JSON array (or a single value), or the repeated query key.</summary>
    public IReadOnlyList<string> List(string field)
    {
        if (body.TryGetValue(field, out var element))
        {
            return element.ValueKind switch
            {
                JsonValueKind.Null => [],
                JsonValueKind.Array => element.EnumerateArray().Select(e => Scalar(field, e, WireType.Text)).OfType<string>().ToList(),
                _ => Scalar(field, element, WireType.Text) is { } one ? [one] : [],
            };
        }
        return query is not null && query.TryGetValue(field, out var values) ? values.OfType<string>().ToList() : [];
    }

    /// <summary>A list of JSON objects (log-batch's metrics and params); absent or null is an empty list.</summary>
    public IReadOnlyList<JsonElement> Objects(string field)
    {
        if (!body.TryGetValue(field, out var element) || element.ValueKind == JsonValueKind.Null) return [];
        if (element.ValueKind != JsonValueKind.Array || element.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Object))
            throw Invalid(field, "expected a list of objects");
        return element.EnumerateArray().ToList();
    }

    /// <summary>A JSON object field (registry-webhooks' http_url_spec) as a request of its own, its fields named "field.name"; null when absent.</summary>
    public ApiRequest? Object(string field)
    {
        if (!body.TryGetValue(field, out var element) || element.ValueKind == JsonValueKind.Null) return null;
        return element.ValueKind == JsonValueKind.Object ? FromObject(element, field + ".") : throw Invalid(field, "expected a JSON object");
    }

    /// <summary>
    /// Each object of a list field (log-batch's metrics) read by <paramref name="read"/> as a request of its own, given the
    /// prefix ("metrics[2].") its field names carry, so a refusal names the field as "metrics[2].value".
    /// </summary>
    public List<T> Objects<T>(string field, Func<ApiRequest, string, T> read) => Objects(field).Select((element, i) =>
    {
        var at = $"{field}[{i}].";
        return read(FromObject(element, at), at);
    }).ToList();

    public long? OptionalLong(string field) => Value(field, WireType.Number) switch
    {
        null => null,
        var text when long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
        var text => throw Invalid(field, $"'{text}' is not a whole number"),
    };

    public double RequiredDouble(string field) => Value(field, WireType.Number) switch
    {
        null => throw Missing(field),
        var text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        "NaN" => double.NaN,
        var text => throw Invalid(field, $"'{text}' is not a number"),
    };

    /// <summary>Tags as MLflow sends them: <c>[{"key": "k", "value": "v"}]</c>; a repeated key keeps its last value.</summary>
    public IReadOnlyDictionary<string, string> Tags(string field = "tags")
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!body.TryGetValue(field, out var element) || element.ValueKind == JsonValueKind.Null) return tags;
        if (element.ValueKind != JsonValueKind.Array) throw Invalid(field, "expected a list of {\"key\": ..., \"value\": ...} objects");
        foreach (var tag in element.EnumerateArray())
        {
            if (tag.ValueKind != JsonValueKind.Object) throw Invalid(field, "expected a list of {\"key\": ..., \"value\": ...} objects");
            var key = tag.TryGetProperty("key", out var k) ? Scalar($"{field}.key", k, WireType.Text) : null;
            var value = tag.TryGetProperty("value", out var v) ? Scalar($"{field}.value", v, WireType.Text) : null;
            tags[key ?? ""] = value ?? "";
        }
        return tags;
    }

    private static string? Scalar(string field, JsonElement element, WireType type) => (element.ValueKind, type) switch
    {
        (JsonValueKind.Null or JsonValueKind.Undefined, _) => null,
        (JsonValueKind.String, not WireType.Boolean) => element.GetString(),
        (JsonValueKind.Number, WireType.Number or WireType.Enum) => element.GetRawText(),
        (JsonValueKind.True, WireType.Boolean) => "true",
        (JsonValueKind.False, WireType.Boolean) => "false",
        (JsonValueKind.Object or JsonValueKind.Array, _) =>
            throw Invalid(field, $"expected a single value, got a JSON {element.ValueKind.ToString().ToLowerInvariant()}"),
        _ => throw Invalid(field, $"expected {Expected(type)}, got a JSON {JsonKind(element.ValueKind)}"),
    };

    private static string Expected(WireType type) => type switch
    {
        WireType.Text => "a string (in quotes)",
        WireType.Number => "a number",
        WireType.Boolean => "true or false (a JSON boolean, without quotes)",
        _ => "a name (in quotes) or a number",
    };

    private static string JsonKind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static ApiException Invalid(string field, string what) =>
        new(ApiErrorCode.InvalidParameterValue, $"Invalid value for parameter '{field}': {what}.");

    private static ApiException Missing(string field) =>
        new(ApiErrorCode.InvalidParameterValue,
            $"Missing value for required parameter '{field}'. See the API docs for more information about request parameters.");
}
