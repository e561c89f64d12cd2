using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using RegistryPortal.Domain;

namespace RegistryPortal.Storage.S3;

/// <summary>Settings under "Artifacts:S3": the bucket (on AWS or an S3-compatible server) that holds the portal's files.</summary>
public sealed class S3Options
{
    public const string Section = $"{ArtifactOptions.Section}:S3";
    public const string DefaultRegion = "us-east-1";
    public const int DefaultPartSizeMB = 8;
    public const int MinPartSizeMB = 5;     // S3 refuses smaller parts (all but the last)
    public const int MaxPartSizeMB = 5120;  // and larger ones

    /// <summary>The bucket every file lives in (required).</summary>
    public string? Bucket { get; set; }

    /// <summary>The bucket's AWS region, also the signing region of an S3-compatible server.</summary>
    public string Region { get; set; } = DefaultRegion;

    /// <summary>The endpoint of an S3-compatible server (MinIO, Ceph, R2, ...); empty: AWS in <see cref="Region"/>.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Addresses the bucket in the path (http://host/bucket/key) instead of the host name; most S3-compatible servers need it.</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>A folder inside the bucket that holds everything, so one bucket can serve several portals; empty: the bucket's root.</summary>
    public string? Prefix { get; set; }

    /// <summary>An access key with <see cref="SecretAccessKey"/>; both empty: the SDK's default credentials (environment, profile, instance role).</summary>
    public string? AccessKeyId { get; set; }

    public string? SecretAccessKey { get; set; }

    /// <summary>How much of an upload is sent in one part, in megabytes; an upload holds at most two parts in memory.</summary>
    public int PartSizeMB { get; set; } = DefaultPartSizeMB;
}

public sealed partial class ValidateS3Options : IValidateOptions<S3Options>
{
    private const string BucketExample = "e.g. 'registry-artifacts'";

    public ValidateOptionsResult Validate(string? name, S3Options options)
    {
        var problems = new SettingProblems(S3Options.Section);
        if (string.IsNullOrWhiteSpace(options.Bucket))
            problems.Add(nameof(S3Options.Bucket), $"is empty: give the name of the bucket the portal keeps its files in, {BucketExample}.");
        else if (!IsBucketName(options.Bucket))
            problems.Add(nameof(S3Options.Bucket),
                $"is '{options.Bucket}', which is not an S3 bucket name: use 3 to 63 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, {BucketExample}.");
        if (!RegionName().IsMatch(options.Region ?? ""))
            problems.Add(nameof(S3Options.Region), $"is '{options.Region}': give the bucket's region, e.g. 'eu-west-1' (default {S3Options.DefaultRegion}).");
        if (!string.IsNullOrEmpty(options.ServiceUrl)
            && !(Uri.TryCreate(options.ServiceUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
            problems.Add(nameof(S3Options.ServiceUrl),
                $"is '{options.ServiceUrl}': give the http(s) address of an S3-compatible server, e.g. 'http://127.0.0.1:9000', or leave it empty for AWS.");
        if (!string.IsNullOrEmpty(options.Prefix))
        {
            try { ArtifactKey.Check(options.Prefix, rootAllowed: true); }
            catch (RegistryError)
            {
                problems.Add(nameof(S3Options.Prefix),
                    $"is '{options.Prefix}', which is not a folder inside the bucket: use '/'-separated names without '.', '..' or empty parts, e.g. 'portal/artifacts', or leave it empty for the bucket's root.");
            }
        }
        if (string.IsNullOrEmpty(options.AccessKeyId) != string.IsNullOrEmpty(options.SecretAccessKey))
        {
            var (given, missing) = string.IsNullOrEmpty(options.AccessKeyId)
                ? (nameof(S3Options.SecretAccessKey), nameof(S3Options.AccessKeyId))
                : (nameof(S3Options.AccessKeyId), nameof(S3Options.SecretAccessKey));
            problems.Add(missing,
                $"is empty while {S3Options.Section}:{given} is set: give both keys, or neither to use the SDK's default credentials (environment variables, profile, instance role).");
        }
        problems.Range(nameof(S3Options.PartSizeMB), options.PartSizeMB, S3Options.MinPartSizeMB, S3Options.MaxPartSizeMB, "megabytes", S3Options.DefaultPartSizeMB);
        return problems.Result;
    }

    /// <summary>AWS's rules for new buckets: 3-63 characters, lowercase letters, digits, '-' and '.', no '..', not an IP address.</summary>
    private static bool IsBucketName(string name) =>
        BucketName().IsMatch(name) && !name.Contains("..", StringComparison.Ordinal) && !IpAddress().IsMatch(name);

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketName();

    [GeneratedRegex(@"^\d+\.\d+\.\d+\.\d+$")]
    private static partial Regex IpAddress();

    [GeneratedRegex("^[a-z0-9-]+$")]
    private static partial Regex RegionName();
}
