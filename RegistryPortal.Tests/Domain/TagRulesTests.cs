using RegistryPortal.Domain;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Domain;

public class TagRulesTests
{
    [Fact]
    public void Accepts_a_key_of_250_and_a_value_of_5000_characters() =>
        TagRules.Validate(new string('k', 250), new string('v', 5000));

    [Fact]
    public void Accepts_an_empty_or_missing_value()
    {
        TagRules.Validate("team", "");
        TagRules.Validate("team", null);
    }

    [Fact]
    public void Refuses_a_key_of_251_characters_naming_the_limit() =>
        Expect.Refusal(ErrorKind.InvalidValue, () => TagRules.Validate(new string('k', 251), "x"), "251 characters", "limit is 250");

    [Fact]
    public void Refuses_a_value_of_5001_characters_naming_the_key_and_the_limit() =>
        Expect.Refusal(ErrorKind.InvalidValue, () => TagRules.Validate("notes", new string('v', 5001)), "'notes'", "5001 characters", "limit is 5000");

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Refuses_a_missing_key(string? key) =>
        Expect.Refusal(ErrorKind.InvalidValue, () => TagRules.Validate(key, "x"), "tag key is required");

    [Theory]
    [InlineData("a\tb")]
    [InlineData("a\nb")]
    public void Refuses_control_characters_in_a_key(string key) =>
        Expect.Refusal(ErrorKind.InvalidValue, () => TagRules.Validate(key, "x"), "control characters");
}
