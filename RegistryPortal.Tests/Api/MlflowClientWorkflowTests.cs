using System.Net;
using System.Net.Http.Headers;
using RegistryPortal.Domain;
using static RegistryPortal.Tests.Api.ApiCalls;

namespace RegistryPortal.Tests.Api;

/// <summary>
/// The whole workflow a data scientist runs with MLflow's Python client, request by request, as the
/// client sends them: tracking, artifacts through the proxy, registration, promotion, download.
/// </summary>
[Collection(ApiCollection.Name)]
public class MlflowClientWorkflowTests(ApiApp app)
{
    private static readonly string[] ModelFiles =
        ["MLmodel", "model.pkl", "conda.yaml", "python_env.yaml", "requirements.txt",
         "metadata/MLmodel", "metadata/conda.yaml", "metadata/python_env.yaml", "metadata/requirements.txt"];

    private static ApiResponse Ok(ApiResponse response)
    {
        Assert.True(response.Status == HttpStatusCode.OK, response.ToString());
        return response;
    }

    [Fact]
    public async Task Log_a_run_and_a_model_register_promote_and_download_it_back_byte_for_byte()
    {
        var scientist = await app.UserAsync(Roles.ProductionManager);
        var client = scientist.Client;
        var experimentName = ApiApp.Unique("exp");
        var modelName = ApiApp.Unique("model");

        var missing = await client.ApiGetAsync($"experiments/get-by-name?experiment_name={Q(experimentName)}");
        Assert.Equal((HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST"), (missing.Status, (string?)missing.Json["error_code"]));
        var experimentId = (string)Ok(await client.ApiPostAsync("experiments/create", new { name = experimentName })).Json["experiment_id"]!;
        var run = Ok(await client.ApiPostAsync("runs/create", new { experiment_id = experimentId, start_time = 1700000000000, run_name = "train", tags = new[] { new { key = "mlflow.user", value = "ds" } } }));
        var runId = (string)run.Json["run"]!["info"]!["run_id"]!;
        var artifactUri = (string)run.Json["run"]!["info"]!["artifact_uri"]!;
        Assert.Equal($"mlflow-artifacts:/{experimentId}/{runId}/artifacts", artifactUri);
        Ok(await client.ApiPostAsync("runs/log-batch", new { run_id = runId, @params = new[] { new { key = "lr", value = "0.1" } } }));
        Ok(await client.ApiPostAsync("runs/log-metric", new { run_id = runId, key = "auc", value = 0.91, timestamp = 1700000001000, step = 1 }));
        var got = Ok(await client.ApiGetAsync($"runs/get?run_id={runId}")).Json["run"]!["data"]!;
        Assert.Equal(("lr", "0.1", 0.91), ((string)got["params"]![0]!["key"]!, (string)got["params"]![0]!["value"]!, (double)got["metrics"]![0]!["value"]!));

        var artifactRoot = $"/api/2.0/mlflow-artifacts/artifacts/{experimentId}/{runId}/artifacts";
        var contents = ModelFiles.ToDictionary(f => f, f => Enumerable.Range(0, 1000 + f.Length * 37).Select(i => (byte)(i * 7 + f.Length)).ToArray());
        foreach (var (file, bytes) in contents)
        {
            using var put = new HttpRequestMessage(HttpMethod.Put, $"{artifactRoot}/model/{file}") { Content = new ByteArrayContent(bytes) };
            put.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(put)).StatusCode);
        }
        Ok(await client.ApiPostAsync("runs/log-model", new { run_id = runId, model_json = """{"artifact_path": "model", "flavors": {"python_function": {}}}""" }));
        Ok(await client.ApiPostAsync("runs/update", new { run_id = runId, run_uuid = runId, status = "FINISHED", end_time = 1700000002000 }));

        Ok(await client.ApiPostAsync("registered-models/create", new { name = modelName }));
        var created = Ok(await client.ApiPostAsync("model-versions/create", new { name = modelName, source = $"{artifactUri}/model", run_id = runId }));
        // A small model is copied within the registration's wait, so it answers READY as MLflow's own server does.
        Assert.Equal("READY", (string?)created.Json["model_version"]!["status"]);
        Assert.Equal("READY", (string?)Ok(await client.ApiGetAsync($"model-versions/get?name={Q(modelName)}&version=1")).Json["model_version"]!["status"]);
        Ok(await client.ApiPostAsync("model-versions/transition-stage", new { name = modelName, version = "1", stage = "staging", archive_existing_versions = false }));
        var latest = Ok(await client.ApiPostAsync("registered-models/get-latest-versions", new { name = modelName, stages = new[] { "Staging" } }));
        Assert.Equal("1", (string?)latest.Json["model_versions"]![0]!["version"]);

        var downloadUri = (string)Ok(await client.ApiGetAsync($"model-versions/get-download-uri?name={Q(modelName)}&version=1")).Json["artifact_uri"]!;
        Assert.StartsWith("mlflow-artifacts:/registry/", downloadUri); // the registry's own copy, not the run's folder
        var downloadRoot = "/api/2.0/mlflow-artifacts/artifacts/" + downloadUri["mlflow-artifacts:/".Length..];
        var listing = Ok(await client.ApiGetAsync($"/api/2.0/mlflow-artifacts/artifacts?path={Q(downloadUri["mlflow-artifacts:/".Length..])}"));
        Assert.Equal(["MLmodel", "conda.yaml", "metadata", "model.pkl", "python_env.yaml", "requirements.txt"],
            listing.Json["files"]!.AsArray().Select(f => (string)f!["path"]!).Order(StringComparer.Ordinal));
        var downloads = await Task.WhenAll(contents.Keys.Select(async file => (file, bytes: await client.GetByteArrayAsync($"{downloadRoot}/{file}"))));
        Assert.All(downloads, d => Assert.Equal(contents[d.file], d.bytes));

        Ok(await client.ApiPostAsync("model-versions/create", new { name = modelName, source = "s3://bucket/other" }));
        Ok(await client.ApiPostAsync("model-versions/transition-stage", new { name = modelName, version = "1", stage = "Production", archive_existing_versions = true }));
        var search = Ok(await client.ApiGetAsync($"model-versions/search?filter={Q($"name='{modelName}'")}"));
        Assert.Equal(["1:Production", "2:None"], search.Json["model_versions"]!.AsArray().Select(v => $"{v!["version"]}:{v["current_stage"]}").Order());
        Ok(await client.ApiPatchAsync("model-versions/update", new { name = modelName, version = "1", description = "champion" }));
        Ok(await client.ApiPostAsync("model-versions/set-tag", new { name = modelName, version = "1", key = "validated", value = "yes" }));
        Ok(await client.ApiPostAsync("model-versions/transition-stage", new { name = modelName, version = "1", stage = "Archived", archive_existing_versions = false }));
        Ok(await client.ApiPostAsync("registered-models/rename", new { name = modelName, new_name = modelName + "-v2" }));
        Ok(await client.ApiDeleteAsync("model-versions/delete", new { name = modelName + "-v2", version = "2" }));
        var remaining = Ok(await client.ApiGetAsync($"model-versions/search?filter={Q($"name='{modelName}-v2'")}"));
        Assert.Equal(["1:Archived"], remaining.Json["model_versions"]!.AsArray().Select(v => $"{v!["version"]}:{v["current_stage"]}"));
    }

    [Fact]
    public async Task Artifact_downloads_honour_http_ranges()
    {
        var client = (await app.UserAsync(Roles.Editor)).Client;
        var bytes = Enumerable.Range(0, 10_000).Select(i => (byte)i).ToArray();
        var path = $"/api/2.0/mlflow-artifacts/artifacts/range-{Guid.NewGuid():N}/blob.bin";
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync(path, new ByteArrayContent(bytes))).StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Range = new RangeHeaderValue(100, 199);
        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(bytes[100..200], await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData(9_900L, null, 9_900, 10_000)] // open-ended
    [InlineData(null, 300L, 9_700, 10_000)] // the last 300 bytes
    [InlineData(0L, 0L, 0, 1)]
    [InlineData(9_000L, 20_000L, 9_000, 10_000)] // past the end: cut at the end
    public async Task Artifact_ranges_send_exactly_their_bytes_with_their_headers(long? from, long? to, int start, int end)
    {
        var client = (await app.UserAsync(Roles.Editor)).Client;
        var bytes = Enumerable.Range(0, 10_000).Select(i => (byte)(i * 13)).ToArray();
        var path = $"/api/2.0/mlflow-artifacts/artifacts/range-{Guid.NewGuid():N}/blob.bin";
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync(path, new ByteArrayContent(bytes))).StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Range = new RangeHeaderValue(from, to);
        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(bytes[start..end], await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(end - start, response.Content.Headers.ContentLength);
        Assert.Equal($"bytes {start}-{end - 1}/10000", response.Content.Headers.ContentRange!.ToString());
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("blob.bin", response.Content.Headers.ContentDisposition!.FileName);
    }

    [Fact]
    public async Task Artifact_downloads_send_the_whole_file_with_its_headers_and_refuse_ranges_past_its_end()
    {
        var client = (await app.UserAsync(Roles.Editor)).Client;
        var bytes = Enumerable.Range(0, 700_000).Select(i => (byte)(i % 251)).ToArray(); // several chunks of the sender
        var path = $"/api/2.0/mlflow-artifacts/artifacts/range-{Guid.NewGuid():N}/weights.bin";
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync(path, new ByteArrayContent(bytes))).StatusCode);

        var whole = await client.GetAsync(path);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Range = new RangeHeaderValue(700_000, null);
        var beyond = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal(bytes, await whole.Content.ReadAsByteArrayAsync());
        Assert.Equal(700_000, whole.Content.Headers.ContentLength);
        Assert.Equal("bytes", whole.Headers.AcceptRanges.Single());
        Assert.Equal("weights.bin", whole.Content.Headers.ContentDisposition!.FileName);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, beyond.StatusCode);
        Assert.Equal("bytes */700000", beyond.Content.Headers.ContentRange!.ToString());
    }

    [Theory]
    [InlineData("..%2F..%2Fetc%2Fpasswd")]
    [InlineData("a/..%2F..%2F..%2Fsecret")]
    [InlineData("uploads/someone/x")]
    public async Task Artifact_paths_cannot_leave_the_store(string path)
    {
        var client = (await app.UserAsync(Roles.Editor)).Client;

        var put = await client.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{path}", new ByteArrayContent([1, 2, 3]));
        var get = await client.GetAsync($"/api/2.0/mlflow-artifacts/artifacts/{path}");

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Contains("INVALID_PARAMETER_VALUE", await put.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, get.StatusCode);
        Assert.Contains("INVALID_PARAMETER_VALUE", await get.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("../..")]
    [InlineData("a/../../..")]
    [InlineData("..%2F..")]
    [InlineData("uploads")]
    public async Task Listing_a_folder_cannot_leave_the_store(string folder)
    {
        var client = (await app.UserAsync(Roles.Reader)).Client;

        var list = await client.ApiGetAsync($"/api/2.0/mlflow-artifacts/artifacts?path={Q(Uri.UnescapeDataString(folder))}");

        JsonShape.Error(list, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task Readers_may_download_but_not_upload_artifacts_and_strangers_get_401()
    {
        var reader = (await app.UserAsync(Roles.Reader)).Client;

        var put = await reader.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/r-{Guid.NewGuid():N}/x.bin", new ByteArrayContent([1]));
        var anonymous = await app.Anonymous().GetAsync("/api/2.0/mlflow-artifacts/artifacts?path=1");

        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}
