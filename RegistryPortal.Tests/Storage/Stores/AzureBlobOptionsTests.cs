using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Storage;
using RegistryPortal.Storage.AzureBlob;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Storage.Stores;

/// <summary>Artifacts:AzureBlob is checked at start: each wrong value is one line that names it and says what to give.</summary>
public sealed class AzureBlobOptionsTests
{
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private const string Connection = $"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={Key};EndpointSuffix=core.windows.net";

    [Fact]
    public void Defaults_with_an_account_and_a_container_are_valid()
    {
        var options = new AzureBlobOptions { ConnectionString = Connection, Container = "models" };

        Assert.Empty(Problems(options));
        Assert.Equal((8, 4), (options.BlockSizeMB, options.MaxConcurrency));
        Assert.Empty(Problems(new AzureBlobOptions { AccountUrl = "https://acct.blob.core.windows.net", Container = "models", Prefix = "team/portal" }));
        Assert.Empty(Problems(new AzureBlobOptions { AccountUrl = "http://127.0.0.1:10000/acct?sv=2024-08-04&sp=racwdl&sig=abc", Container = "abc" }));
    }

    [Fact]
    public void No_account_asks_for_a_connection_string_or_an_account_url_with_examples()
    {
        var problem = Assert.Single(Problems(new AzureBlobOptions { Container = "models" }));

        Assert.StartsWith("Artifacts:AzureBlob:ConnectionString and AccountUrl are both empty: give the storage account's connection string, e.g. 'DefaultEndpointsProtocol=https;", problem);
        Assert.Contains("or its AccountUrl, e.g. 'https://myaccount.blob.core.windows.net'", problem);
    }

    [Fact]
    public void Both_accounts_ask_to_keep_one()
    {
        var problem = Assert.Single(Problems(new AzureBlobOptions { ConnectionString = Connection, AccountUrl = "https://acct.blob.core.windows.net", Container = "models" }));
        Assert.StartsWith("Artifacts:AzureBlob:ConnectionString and AccountUrl are both set: keep one of the two", problem);
    }

    [Fact]
    public void A_wrong_connection_string_is_refused_without_repeating_its_secret()
    {
        var problem = Assert.Single(Problems(new AzureBlobOptions { ConnectionString = "AccountKey=s3cr3t;Nonsense", Container = "models" }));

        Assert.StartsWith("Artifacts:AzureBlob:ConnectionString is not a storage connection string", problem);
        Assert.Contains("copy it from the account's 'Access keys' page", problem);
        Assert.DoesNotContain("s3cr3t", problem);
    }

    [Theory]
    [InlineData("blob.core.windows.net", "is 'blob.core.windows.net', which is not a blob endpoint URL")]
    [InlineData("ftp://acct.blob.core.windows.net", "is 'ftp://acct.blob.core.windows.net', which is not a blob endpoint URL")]
    [InlineData("http://acct.blob.core.windows.net", "is 'http://acct.blob.core.windows.net': Azure sign-in needs https")]
    public void A_wrong_account_url_is_refused(string url, string expected)
    {
        var problem = Assert.Single(Problems(new AzureBlobOptions { AccountUrl = url, Container = "models" }));
        Assert.StartsWith("Artifacts:AzureBlob:AccountUrl " + expected, problem);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("Models")]
    [InlineData("my--models")]
    [InlineData("-models")]
    [InlineData("models-")]
    [InlineData("my_models")]
    [InlineData("a123456789012345678901234567890123456789012345678901234567890123")]
    public void A_container_name_azure_refuses_is_refused_with_its_rules(string container)
    {
        var problem = Assert.Single(Problems(new AzureBlobOptions { ConnectionString = Connection, Container = container }));
        Assert.Equal($"Artifacts:AzureBlob:Container is '{container}', which Azure does not accept as a container name: use 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit, e.g. 'registry-artifacts'.", problem);
    }

    [Fact]
    public void A_missing_container_and_a_wrong_prefix_and_sizes_are_each_one_line()
    {
        var problems = Problems(new AzureBlobOptions { ConnectionString = Connection, Prefix = "../other", BlockSizeMB = 4001, MaxConcurrency = 0 });

        Assert.Equal(
        [
            "Artifacts:AzureBlob:Container is empty: give the blob container the portal keeps its files in, e.g. 'models' (create it first).",
            "Artifacts:AzureBlob:Prefix is '../other', which is not a folder path: give a relative folder such as 'portal/artifacts' (no '..', '.' or empty parts), or leave it empty for the container's root.",
            "Artifacts:AzureBlob:BlockSizeMB is 4001: give a number of megabytes from 1 up to 4000 (default 8).",
            "Artifacts:AzureBlob:MaxConcurrency is 0: give a number of blocks from 1 up to 64 (default 4).",
        ], problems);
    }

    [Fact]
    public void The_factory_refuses_wrong_settings_too()
    {
        var refused = Assert.Throws<InvalidSettingsException>(() => AzureBlobArtifactStore.Create(new AzureBlobOptions { ConnectionString = Connection }, new FileSizeLimit(null)));
        Assert.StartsWith("Artifacts:AzureBlob:Container is empty", refused.Message);
    }

    [Fact]
    public async Task The_services_read_Artifacts_AzureBlob_check_it_at_start_and_give_the_store()
    {
        var azurite = await Azurite.SharedAsync();
        var container = await azurite.CreateContainerAsync();

        using var wrong = Services(new() { ["Artifacts:AzureBlob:ConnectionString"] = azurite.ConnectionString, ["Artifacts:AzureBlob:Container"] = "X" });
        var refused = Assert.Throws<InvalidSettingsException>(() => Settings.Check(wrong));
        Assert.StartsWith("Artifacts:AzureBlob:Container is 'X', which Azure does not accept", refused.Message);

        using var right = Services(new() { ["Artifacts:AzureBlob:ConnectionString"] = azurite.ConnectionString, ["Artifacts:AzureBlob:Container"] = container });
        Settings.Check(right);
        var store = right.GetRequiredService<IArtifactStore>();
        Assert.Equal("AzureBlob", store.Kind);
        await store.CheckAsync(default);
    }

    private static List<string> Problems(AzureBlobOptions options) =>
        new ValidateAzureBlobOptions().Validate(null, options).Failures?.ToList() ?? [];

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton(new FileSizeLimit(null));
        services.AddAzureBlobStore();
        return services.BuildServiceProvider();
    }
}
