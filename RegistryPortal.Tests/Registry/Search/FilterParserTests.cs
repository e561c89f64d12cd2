using RegistryPortal.Registry.Search;
using RegistryPortal.Search;
using static RegistryPortal.Search.FilterOperator;

namespace RegistryPortal.Tests.Registry.Search;

public class FilterParserTests
{
    private static FilterComparison OnlyModelComparison(string text) => Assert.Single(RegistryFilter.ForModels(text).Comparisons);

    private static FilterComparison OnlyVersionComparison(string text) => Assert.Single(RegistryFilter.ForVersions(text).Comparisons);

    [Theory]
    [InlineData("name = 'fraud'", Equal)]
    [InlineData("name != 'fraud'", NotEqual)]
    [InlineData("name LIKE 'fraud'", Like)]
    [InlineData("name ILIKE 'fraud'", ILike)]
    public void Name_takes_the_four_text_operators(string text, FilterOperator expected)
    {
        Assert.Equal(new FilterComparison(new AttributeTarget(FilterAttribute.Name), expected, new TextValue("fraud"), 1), OnlyModelComparison(text));
    }

    [Theory]
    [InlineData("tags.team = 'risk'", Equal)]
    [InlineData("tags.team != 'risk'", NotEqual)]
    [InlineData("tags.team LIKE 'risk'", Like)]
    [InlineData("tags.team ILIKE 'risk'", ILike)]
    public void Tags_take_the_four_text_operators(string text, FilterOperator expected)
    {
        Assert.Equal(new FilterComparison(new TagTarget("team"), expected, new TextValue("risk"), 1), OnlyModelComparison(text));
    }

    [Theory]
    [InlineData("version_number = 3", Equal)]
    [InlineData("version_number != 3", NotEqual)]
    [InlineData("version_number < 3", Less)]
    [InlineData("version_number <= 3", LessOrEqual)]
    [InlineData("version_number > 3", Greater)]
    [InlineData("version_number >= 3", GreaterOrEqual)]
    [InlineData("version_number>=3", GreaterOrEqual)]
    [InlineData("version_number = '3'", Equal)]
    public void Version_number_takes_the_six_comparisons_with_a_whole_number(string text, FilterOperator expected)
    {
        Assert.Equal(new FilterComparison(new AttributeTarget(FilterAttribute.VersionNumber), expected, new NumberValue(3), 1), OnlyVersionComparison(text));
    }

    [Theory]
    [InlineData("run_id = 'a1'", FilterAttribute.RunId, Equal)]
    [InlineData("run_id != 'a1'", FilterAttribute.RunId, NotEqual)]
    [InlineData("run_id LIKE 'a1'", FilterAttribute.RunId, Like)]
    [InlineData("source_path = 'a1'", FilterAttribute.SourcePath, Equal)]
    [InlineData("source_path != 'a1'", FilterAttribute.SourcePath, NotEqual)]
    [InlineData("source_path LIKE 'a1'", FilterAttribute.SourcePath, Like)]
    [InlineData("source_path ILIKE 'a1'", FilterAttribute.SourcePath, ILike)]
    [InlineData("name ILIKE 'a1'", FilterAttribute.Name, ILike)]
    public void Version_text_attributes_take_text_operators(string text, FilterAttribute attribute, FilterOperator expected)
    {
        Assert.Equal(new FilterComparison(new AttributeTarget(attribute), expected, new TextValue("a1"), 1), OnlyVersionComparison(text));
    }

    [Theory]
    [InlineData("run_id IN ('a1', 'b2')", new[] { "a1", "b2" })]
    [InlineData("run_id IN(\"a1\",'b2',\"c3\")", new[] { "a1", "b2", "c3" })]
    [InlineData("run_id in ('a1')", new[] { "a1" })]
    public void Run_id_takes_a_list_of_quoted_values_with_IN(string text, string[] expected)
    {
        var comparison = OnlyVersionComparison(text);
        Assert.Equal(new AttributeTarget(FilterAttribute.RunId), comparison.Target);
        Assert.Equal(In, comparison.Operator);
        Assert.Equal(expected, Assert.IsType<TextListValue>(comparison.Value).Items);
    }

    [Theory]
    [InlineData("name = 'fraud model'", "fraud model")]
    [InlineData("name = \"fraud model\"", "fraud model")]
    [InlineData("name = 'it''s'", "it's")]
    [InlineData("name = \"it's\"", "it's")]
    [InlineData("name = \"say \"\"hi\"\"\"", "say \"hi\"")]
    [InlineData("name = ''", "")]
    [InlineData("name = 'modèle AND = %'", "modèle AND = %")]
    public void Values_are_quoted_with_single_or_double_quotes_and_a_doubled_quote_stands_for_itself(string text, string expected)
    {
        Assert.Equal(new TextValue(expected), OnlyModelComparison(text).Value);
    }

    [Theory]
    [InlineData("tags.`key with spaces` = 'x'", "key with spaces")]
    [InlineData("tags.\"key with spaces\" = 'x'", "key with spaces")]
    [InlineData("tags.`team-name` = 'x'", "team-name")]
    [InlineData("tags.mlflow.source = 'x'", "mlflow.source")]
    [InlineData("tag.team = 'x'", "team")]
    [InlineData("TAGS.Team = 'x'", "Team")]
    public void Tag_keys_are_plain_dotted_words_or_quoted_in_backticks(string text, string expected)
    {
        Assert.Equal(new TagTarget(expected), OnlyModelComparison(text).Target);
    }

    [Theory]
    [InlineData("NAME = 'x'")]
    [InlineData("attribute.name = 'x'")]
    public void Attribute_names_ignore_case_and_may_carry_the_attribute_prefix(string text)
    {
        Assert.Equal(new AttributeTarget(FilterAttribute.Name), OnlyModelComparison(text).Target);
    }

    [Fact]
    public void Comparisons_joined_with_AND_are_all_kept_in_order_with_their_positions()
    {
        var filter = RegistryFilter.ForVersions("name = 'fraud' AND version_number > 2 AND tags.`team` ILIKE 'risk%'");

        Assert.Equal(
        [
            new FilterComparison(new AttributeTarget(FilterAttribute.Name), Equal, new TextValue("fraud"), 1),
            new FilterComparison(new AttributeTarget(FilterAttribute.VersionNumber), Greater, new NumberValue(2), 20),
            new FilterComparison(new TagTarget("team"), ILike, new TextValue("risk%"), 43),
        ], filter.Comparisons);
    }

    [Theory]
    [InlineData("name like 'a' and tags.t ilike 'b'")]
    [InlineData("name Like 'a' AnD tags.t ILike 'b'")]
    [InlineData("name LIKE 'a'AND tags.t ILIKE'b'")]
    public void Keywords_ignore_case_and_need_no_space_next_to_quotes(string text)
    {
        var filter = RegistryFilter.ForModels(text);

        Assert.Equal([Like, ILike], filter.Comparisons.Select(c => c.Operator));
        Assert.Equal([new TextValue("a"), new TextValue("b")], filter.Comparisons.Select(c => c.Value));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_filter_has_no_comparisons(string? text)
    {
        Assert.Empty(RegistryFilter.ForModels(text).Comparisons);
    }

    [Theory]
    [InlineData("name = 'x'", true)]
    [InlineData("name != 'x'", true)]
    [InlineData("version_number>2", true)]
    [InlineData("version_number < 2", true)]
    [InlineData("name like 'fraud%'", true)]
    [InlineData("name ILIKE 'fraud%'", true)]
    [InlineData("run_id IN ('a')", true)]
    [InlineData("run_id in('a')", true)]
    [InlineData("fraud", false)]
    [InlineData("fraud-detector v2", false)]
    [InlineData("churn in eu", false)]
    [InlineData("likely unlike", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Text_with_an_operator_looks_like_a_filter_and_plain_words_do_not(string? text, bool expected)
    {
        Assert.Equal(expected, RegistryFilter.LooksLikeFilter(text));
    }
}
