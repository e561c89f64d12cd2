using Azure;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace RegistryPortal.Storage.AzureBlob;

/// <summary>Why the container cannot be used, said as what to set or do: the store's check throws these for the health check and the start.</summary>
internal sealed class StoreProblems(BlobContainerClient container, AzureBlobOptions options)
{
    private const string Section = AzureBlobOptions.Section;
    private const string Permissions = "read, add, create, write, delete and list";

    /// <summary>The failure explained, or null when it is none of the known ones (then it is thrown as it is).</summary>
    public InvalidOperationException? Explain(Exception e) => e switch
    {
        RequestFailedException { Status: 404 } => new(
            $"Container '{container.Name}' does not exist in storage account '{container.AccountName}': create it " +
            $"(e.g. `az storage container create --account-name {container.AccountName} --name {container.Name}`), or set {Section}:Container to one that exists.", e),
        RequestFailedException { Status: 401 or 403 } refused => new(
            $"Storage account '{container.AccountName}' refused the portal's credentials ({refused.ErrorCode ?? refused.Status.ToString()}): {CredentialAdvice}.", e),
        AuthenticationFailedException => new(
            $"The portal could not sign in to Azure for {Endpoint} ({FirstLine(e.Message)}): sign in with `az login`, give the portal a managed identity, " +
            $"or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET; or set {Section}:ConnectionString instead of AccountUrl.", e),
        RequestFailedException { Status: 0 } or HttpRequestException => new(
            $"The blob endpoint {Endpoint} cannot be reached ({FirstLine(e.Message)}): check {EndpointSetting}.", e),
        _ => null,
    };

    /// <summary>The container's URL without its query: a SAS token there is a secret.</summary>
    private string Endpoint => container.Uri.GetLeftPart(UriPartial.Path);

    private string EndpointSetting => string.IsNullOrWhiteSpace(options.ConnectionString)
        ? $"{Section}:AccountUrl"
        : $"the BlobEndpoint or AccountName in {Section}:ConnectionString";

    private string CredentialAdvice =>
        !string.IsNullOrWhiteSpace(options.ConnectionString)
            ? $"check {Section}:ConnectionString (its AccountName and AccountKey, or a SharedAccessSignature that has not expired and allows {Permissions})"
        : options.AccountUrlHasSas
            ? $"check the SAS token in {Section}:AccountUrl: it must not have expired and must allow {Permissions} on container '{container.Name}'"
            : $"give the portal's identity the 'Storage Blob Data Contributor' role on container '{container.Name}' or on the account";

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
