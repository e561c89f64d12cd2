using RegistryPortal.Domain;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Domain;

public class ModelNameTests
{
    [Theory]
    [InlineData("fraud-detector")]
    [InlineData("Fraud Detector v2")]
    [InlineData("a")]
    [InlineData("modèle_été.prod")]
    [InlineData("name with inner  spaces")]
    public void Accepts_ordinary_names(string name)
    {
        Assert.Null(ModelName.Problem(name));
        ModelName.Validate(name);
    }

    [Fact]
    public void Accepts_exactly_256_characters()
    {
        var name = new string('m', ModelName.MaxLength);
        Assert.Equal(256, name.Length);
        Assert.Null(ModelName.Problem(name));
    }

    [Fact]
    public void Refuses_257_characters_and_says_the_limit_and_the_length()
    {
        var error = Expect.Refusal(ErrorKind.InvalidValue, () => ModelName.Validate(new string('m', 257)), "at most 256", "257");
        Assert.Contains("model name", error.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Refuses_a_missing_name(string? name) =>
        Expect.Refusal(ErrorKind.InvalidValue, () => ModelName.Validate(name), "name is required");

    [Theory]
    [InlineData("team/model")]
    [InlineData("/model")]
    [InlineData("model/")]
    public void Refuses_a_slash(string name) =>
        Expect.Refusal(ErrorKind.InvalidValue, () => ModelName.Validate(name), "cannot contain '/'");

    [Theory]
    [InlineData("tab\there")]
    [InlineData("line\nbreak")]
    [InlineData("carriage\rreturn")]
    [InlineData("nul\0char")]
    [InlineData("del\u007fchar")]
    public void Refuses_control_characters(string name) =>
        Expect.Refusal(ErrorKind.InvalidValue, () => ModelName.Validate(name), "control characters");

    [Theory]
    [InlineData(" leading")]
    [InlineData("trailing ")]
    [InlineData(" both ")]
    [InlineData("   ")]
    public void Refuses_leading_or_trailing_spaces(string name) =>
        Expect.Refusal(ErrorKind.InvalidValue, () => ModelName.Validate(name), "start or end with a space");

    [Fact]
    public void Names_differing_only_in_case_normalize_to_the_same_key()
    {
        Assert.Equal(ModelName.Normalize("Fraud-Detector"), ModelName.Normalize("fraud-DETECTOR"));
        Assert.NotEqual(ModelName.Normalize("fraud-detector"), ModelName.Normalize("fraud-detector2"));
    }
}
