using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using RegistryPortal.Domain;

namespace RegistryPortal.Storage.AzureBlob;

/// <summary>Settings under "Artifacts:AzureBlob": the Azure Blob Storage container that holds the portal's files when Artifacts:Store is AzureBlob.</summary>
public sealed class AzureBlobOptions
{
    public const string Section = $"{ArtifactOptions.Section}:AzureBlob";
    public const int DefaultBlockSizeMB = 8;
    public const int DefaultMaxConcurrency = 4;

    /// <summary>The storage account's connection string (account key, SAS or Azurite); or leave it empty and give <see cref="AccountUrl"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The account's blob endpoint, e.g. https://myaccount.blob.core.windows.net: signed in with DefaultAzureCredential, or with a SAS token in its query.</summary>
    public string? AccountUrl { get; set; }

    /// <summary>The blob container every file lives in; it must exist.</summary>
    public string? Container { get; set; }

    /// <summary>A folder inside the container that holds the portal's files (empty: the container's root), so several portals can share one container.</summary>
    public string? Prefix { get; set; }

    /// <summary>The size of each block an upload sends, in megabytes (a block is held in memory until the service has it).</summary>
    public int BlockSizeMB { get; set; } = DefaultBlockSizeMB;

    /// <summary>How many blocks of one upload may be on their way at once: memory per upload is about (this + 1) × BlockSizeMB.</summary>
    public int MaxConcurrency { get; set; } = DefaultMaxConcurrency;

    /// <summary><see cref="Prefix"/> as a checked folder key ("" for the root).</summary>
    internal string Folder => ArtifactKey.Check(Prefix ?? "", rootAllowed: true);

    /// <summary>A SAS token rides in the URL's query ("?sv=...&amp;sig=..."): then no other credential is needed.</summary>
    internal bool AccountUrlHasSas => AccountUrl is { } url && url.Contains("sig=", StringComparison.OrdinalIgnoreCase);
}

public sealed partial class ValidateAzureBlobOptions : IValidateOptions<AzureBlobOptions>
{
    private const string ConnectionStringExample = "'DefaultEndpointsProtocol=https;AccountName=myaccount;AccountKey=...;EndpointSuffix=core.windows.net'";
    private const string AccountUrlExample = "'https://myaccount.blob.core.windows.net'";

    public ValidateOptionsResult Validate(string? name, AzureBlobOptions options)
    {
        var problems = new SettingProblems(AzureBlobOptions.Section);
        CheckAccount(options, problems);
        CheckContainer(options.Container, problems);
        try { _ = options.Folder; }
        catch (RegistryError)
        {
            problems.Add(nameof(AzureBlobOptions.Prefix),
                $"is '{options.Prefix}', which is not a folder path: give a relative folder such as 'portal/artifacts' (no '..', '.' or empty parts), or leave it empty for the container's root.");
        }
        problems.Range(nameof(AzureBlobOptions.BlockSizeMB), options.BlockSizeMB, 1, 4000, "megabytes", AzureBlobOptions.DefaultBlockSizeMB);
        problems.Range(nameof(AzureBlobOptions.MaxConcurrency), options.MaxConcurrency, 1, 64, "blocks", AzureBlobOptions.DefaultMaxConcurrency);
        return problems.Result;
    }

    private static void CheckAccount(AzureBlobOptions options, SettingProblems problems)
    {
        var connectionString = !string.IsNullOrWhiteSpace(options.ConnectionString);
        var accountUrl = !string.IsNullOrWhiteSpace(options.AccountUrl);
        if (connectionString == accountUrl)
        {
            problems.Add(nameof(AzureBlobOptions.ConnectionString), connectionString
                ? "and AccountUrl are both set: keep one of the two (ConnectionString for an account key or Azurite, AccountUrl for Azure sign-in or a SAS URL)."
                : $"and AccountUrl are both empty: give the storage account's connection string, e.g. {ConnectionStringExample}, " +
                  $"or its AccountUrl, e.g. {AccountUrlExample} (the portal then signs in with DefaultAzureCredential, or uses a SAS token given after '?').");
            return;
        }
        if (connectionString)
        {
            // Parsed the way the client will; the value itself holds a secret, so the message never repeats it.
            try { _ = new BlobServiceClient(options.ConnectionString); }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
            {
                problems.Add(nameof(AzureBlobOptions.ConnectionString),
                    $"is not a storage connection string ({e.Message}): copy it from the account's 'Access keys' page, e.g. {ConnectionStringExample}.");
            }
            return;
        }
        if (!Uri.TryCreate(options.AccountUrl, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
            problems.Add(nameof(AzureBlobOptions.AccountUrl), $"is '{WithoutQuery(options.AccountUrl!)}', which is not a blob endpoint URL: give one such as {AccountUrlExample}.");
        else if (url.Scheme == "http" && !options.AccountUrlHasSas)
            problems.Add(nameof(AzureBlobOptions.AccountUrl), $"is '{WithoutQuery(options.AccountUrl!)}': Azure sign-in needs https, e.g. {AccountUrlExample}.");
    }

    private static void CheckContainer(string? container, SettingProblems problems)
    {
        if (string.IsNullOrWhiteSpace(container))
            problems.Add(nameof(AzureBlobOptions.Container), "is empty: give the blob container the portal keeps its files in, e.g. 'models' (create it first).");
        else if (!ContainerName().IsMatch(container))
            problems.Add(nameof(AzureBlobOptions.Container),
                $"is '{container}', which Azure does not accept as a container name: use 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit, e.g. 'registry-artifacts'.");
    }

    /// <summary>A URL as it may be shown: a SAS token in its query is a secret.</summary>
    private static string WithoutQuery(string url) => url.Split('?')[0];

    [GeneratedRegex("^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex ContainerName();
}
