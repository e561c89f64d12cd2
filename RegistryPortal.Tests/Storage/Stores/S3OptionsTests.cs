using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RegistryPortal.Storage;
using RegistryPortal.Storage.S3;

namespace RegistryPortal.Tests.Storage.Stores;

/// <summary>Artifacts:S3 is checked at start, each wrong value refused with what to set instead.</summary>
public sealed class S3OptionsTests
{
    [Fact]
    public void Good_settings_pass_and_build_the_S3_store()
    {
        using var services = Services(new() { ["Artifacts:S3:Bucket"] = "registry-artifacts", ["Artifacts:S3:Prefix"] = "portal/one" });

        RegistryPortal.Settings.Check(services);

        Assert.Equal("S3", services.GetRequiredService<IArtifactStore>().Kind);
    }

    [Theory]
    [InlineData("Bucket", "", "Artifacts:S3:Bucket is empty: give the name of the bucket", "e.g. 'registry-artifacts'")]
    [InlineData("Bucket", "My_Bucket", "Artifacts:S3:Bucket is 'My_Bucket', which is not an S3 bucket name", "e.g. 'registry-artifacts'")]
    [InlineData("Bucket", "a..b", "which is not an S3 bucket name", "3 to 63 lowercase letters")]
    [InlineData("Bucket", "192.168.1.1", "which is not an S3 bucket name", "e.g. 'registry-artifacts'")]
    [InlineData("Region", "EU West", "Artifacts:S3:Region is 'EU West'", "e.g. 'eu-west-1'")]
    [InlineData("ServiceUrl", "localhost:9000", "Artifacts:S3:ServiceUrl is 'localhost:9000'", "e.g. 'http://127.0.0.1:9000'")]
    [InlineData("Prefix", "../other", "Artifacts:S3:Prefix is '../other', which is not a folder inside the bucket", "e.g. 'portal/artifacts'")]
    [InlineData("PartSizeMB", "4", "Artifacts:S3:PartSizeMB is 4", "from 5 up to 5120 (default 8)")]
    [InlineData("PartSizeMB", "6000", "Artifacts:S3:PartSizeMB is 6000", "from 5 up to 5120 (default 8)")]
    [InlineData("AccessKeyId", "AKIAEXAMPLE", "Artifacts:S3:SecretAccessKey is empty while Artifacts:S3:AccessKeyId is set", "or neither")]
    [InlineData("SecretAccessKey", "secret", "Artifacts:S3:AccessKeyId is empty while Artifacts:S3:SecretAccessKey is set", "or neither")]
    public void A_wrong_setting_is_refused_at_start_with_what_to_set(string setting, string value, string says, string suggests)
    {
        var settings = new Dictionary<string, string?> { ["Artifacts:S3:Bucket"] = "registry-artifacts", [$"Artifacts:S3:{setting}"] = value };
        var options = new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(S3Options.Section).Get<S3Options>()!;
        if (value.Length == 0) options.Bucket = ""; // an empty value means the default when bound by the portal, and Bucket has none

        var result = new ValidateS3Options().Validate(null, options);

        var problem = Assert.Single(result.Failures!);
        Assert.Contains(says, problem);
        Assert.Contains(suggests, problem);
    }

    [Fact]
    public void A_missing_bucket_stops_the_start()
    {
        using var services = Services(new() { ["Artifacts:S3:Region"] = "eu-west-1" });

        var error = Assert.Throws<InvalidSettingsException>(() => RegistryPortal.Settings.Check(services));

        Assert.StartsWith("Artifacts:S3:Bucket is empty", error.Message);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddSingleton(new FileSizeLimit(null))
            .AddS3Store()
            .BuildServiceProvider();
}
