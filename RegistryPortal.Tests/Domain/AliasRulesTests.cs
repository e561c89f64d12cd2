using RegistryPortal.Domain;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Domain;

public class AliasRulesTests
{
    [Theory]
    [InlineData("champion")]
    [InlineData("Challenger_2")]
    [InlineData("blue-green")]
    [InlineData("v")]
    [InlineData("v1a")]
    [InlineData("version1")]
    [InlineData("latest2")]
    [InlineData("my-latest")]
    [InlineData("2024")]
    public void Accepts_letters_digits_underscores_and_dashes(string alias) => AliasRules.Validate(alias);

    [Fact]
    public void Accepts_255_characters_and_refuses_256()
    {
        AliasRules.Validate(new string('a', 255));
        Expect.Refusal(ErrorKind.InvalidValue, () => AliasRules.Validate(new string('a', 256)), "at most 255", "256");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Refuses_a_missing_alias(string? alias) =>
        Expect.Refusal(ErrorKind.InvalidValue, () => AliasRules.Validate(alias), "alias name is required");

    [Theory]
    [InlineData("two words")]
    [InlineData("a/b")]
    [InlineData("a.b")]
    [InlineData("prod@eu")]
    [InlineData(" champion")]
    public void Refuses_other_characters(string alias) =>
        Expect.Refusal(ErrorKind.InvalidValue, () => AliasRules.Validate(alias), "only contain letters, digits, '_' and '-'");

    [Theory]
    [InlineData("latest")]
    [InlineData("LATEST")]
    [InlineData("Latest")]
    public void Latest_is_reserved_in_any_case(string alias) =>
        Expect.Refusal(ErrorKind.InvalidValue, () => AliasRules.Validate(alias), "reserved", "newest version", "Choose another alias");

    [Theory]
    [InlineData("v1")]
    [InlineData("v42")]
    [InlineData("V7")]
    [InlineData("v0001")]
    public void V_followed_by_digits_is_reserved(string alias) =>
        Expect.Refusal(ErrorKind.InvalidValue, () => AliasRules.Validate(alias), $"'{alias}' is reserved", "version number", "Choose another alias");
}
