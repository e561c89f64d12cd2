using RegistryPortal.Domain;
using RegistryPortal.Registry.Search;

namespace RegistryPortal.Tests.Registry.Search;

/// <summary>Each refused filter says where (1-based position) and what, as an invalid-value registry error.</summary>
public class FilterErrorTests
{
    private static void AssertRefused(FilterSubject subject, string text, int position, string what)
    {
        var error = Assert.Throws<RegistryError>(() => RegistryFilter.Parse(text, subject));
        Assert.Equal(ErrorKind.InvalidValue, error.Kind);
        Assert.Equal($"Invalid filter at position {position}: {what}", error.Message);
    }

    [Theory]
    [InlineData("name = fraud", 8, "expected a quoted value after '=' (for example name = 'my-model'), found 'fraud'.")]
    [InlineData("name = ", 8, "expected a quoted value after '=' (for example name = 'my-model'), found the end of the filter.")]
    [InlineData("name == 'x'", 7, "expected a quoted value after '=' (for example name = 'my-model'), found '='.")]
    [InlineData("tags.team LIKE risk%", 16, "expected a quoted value after 'LIKE' (for example tags.team LIKE 'value'), found 'risk'.")]
    [InlineData("tags.team != 42", 14, "expected a quoted value after '!=' (for example tags.team != 'value'), found '42'.")]
    public void A_missing_quote_around_a_value_is_refused(string text, int position, string what) =>
        AssertRefused(FilterSubject.Models, text, position, what);

    [Theory]
    [InlineData("name = 'fraud", 8, "the value that starts here has no closing '.")]
    [InlineData("name = \"fraud", 8, "the value that starts here has no closing \".")]
    [InlineData("tags.`team = 'x'", 6, "the tag key that starts here has no closing `.")]
    public void An_unclosed_quote_points_at_where_it_opens(string text, int position, string what) =>
        AssertRefused(FilterSubject.Models, text, position, what);

    [Theory]
    [InlineData("foo = 'x'", 1, "unknown attribute 'foo'; use name, tags.<key> or tags.`key with spaces`.")]
    [InlineData("name = 'a' AND owner.id = 'x'", 16, "unknown attribute 'owner.id'; use name, tags.<key> or tags.`key with spaces`.")]
    [InlineData("version_number = 3", 1, "'version_number' only filters model versions; use name, tags.<key> or tags.`key with spaces`.")]
    [InlineData("run_id = 'a'", 1, "'run_id' only filters model versions; use name, tags.<key> or tags.`key with spaces`.")]
    public void An_unknown_model_attribute_is_refused_with_the_ones_to_use(string text, int position, string what) =>
        AssertRefused(FilterSubject.Models, text, position, what);

    [Fact]
    public void An_unknown_version_attribute_lists_the_version_attributes() =>
        AssertRefused(FilterSubject.Versions, "stage = 'Production'", 1,
            "unknown attribute 'stage'; use name, version_number, run_id, source_path, tags.<key> or tags.`key with spaces`.");

    [Theory]
    [InlineData(FilterSubject.Models, "name < 'x'", 6, "name cannot be compared with <; use =, !=, LIKE or ILIKE.")]
    [InlineData(FilterSubject.Models, "name IN ('x')", 6, "name cannot be compared with IN; use =, !=, LIKE or ILIKE.")]
    [InlineData(FilterSubject.Models, "tags.team >= 'x'", 11, "tags.team cannot be compared with >=; use =, !=, LIKE or ILIKE.")]
    [InlineData(FilterSubject.Versions, "tags.`my key` IN ('x')", 15, "tags.`my key` cannot be compared with IN; use =, !=, LIKE or ILIKE.")]
    [InlineData(FilterSubject.Versions, "version_number LIKE '1%'", 16, "version_number cannot be compared with LIKE; use =, !=, <, <=, > or >=.")]
    [InlineData(FilterSubject.Versions, "source_path IN ('x')", 13, "source_path cannot be compared with IN; use =, !=, LIKE or ILIKE.")]
    [InlineData(FilterSubject.Versions, "run_id > 'x'", 8, "run_id cannot be compared with >; use =, !=, LIKE, ILIKE or IN.")]
    public void An_operator_the_attribute_does_not_take_is_refused_with_the_ones_it_takes(FilterSubject subject, string text, int position, string what) =>
        AssertRefused(subject, text, position, what);

    [Theory]
    [InlineData("name", 5, "expected an operator after name (=, !=, LIKE or ILIKE), found the end of the filter.")]
    [InlineData("name 'x'", 6, "expected an operator after name (=, !=, LIKE or ILIKE), found the quoted value 'x'.")]
    [InlineData("name NOT LIKE 'x'", 6, "expected an operator after name (=, !=, LIKE or ILIKE), found 'NOT'.")]
    [InlineData("name ! 'x'", 6, "'!' on its own is not an operator; did you mean '!='?")]
    public void A_missing_operator_is_refused(string text, int position, string what) =>
        AssertRefused(FilterSubject.Models, text, position, what);

    [Theory]
    [InlineData("name = 'a' OR name = 'b'", 12, "OR is not supported; comparisons can only be joined with AND.")]
    [InlineData("name = 'a' name = 'b'", 12, "expected AND or the end of the filter after a comparison, found 'name'.")]
    [InlineData("name = 'a' AND", 15, "the filter ends where a comparison should start; add one, for example name = 'my-model'.")]
    [InlineData("name = 'a' AND AND name = 'b'", 16, "unknown attribute 'AND'; use name, tags.<key> or tags.`key with spaces`.")]
    [InlineData("= 'x'", 1, "expected an attribute (name, tags.<key> or tags.`key with spaces`), found '='.")]
    [InlineData("(name = 'x')", 1, "expected an attribute (name, tags.<key> or tags.`key with spaces`), found '('.")]
    [InlineData("name = 'a'; DROP TABLE Models", 11, "unexpected character ';'. Put tag keys with spaces or symbols in backticks (tags.`my key`) and values in quotes.")]
    public void Comparisons_must_be_joined_with_AND(string text, int position, string what) =>
        AssertRefused(FilterSubject.Models, text, position, what);

    [Theory]
    [InlineData("tags. = 'x'", 6, "expected a tag key after 'tags.', for example tags.team or tags.`key with spaces`.")]
    [InlineData("tags. `team` = 'x'", 6, "expected a tag key after 'tags.', for example tags.team or tags.`key with spaces`.")]
    [InlineData("tags.`` = 'x'", 6, "a tag key cannot be empty.")]
    [InlineData("tags.team-name = 'x'", 10, "unexpected character '-'. Put tag keys with spaces or symbols in backticks (tags.`my key`) and values in quotes.")]
    public void A_tag_needs_a_key(string text, int position, string what) =>
        AssertRefused(FilterSubject.Models, text, position, what);

    [Theory]
    [InlineData("version_number = 1.5", 18, "expected a whole number after '=' (for example version_number = 3), found '1.5'.")]
    [InlineData("version_number > 'two'", 18, "expected a whole number after '>' (for example version_number > 3), found the quoted value 'two'.")]
    [InlineData("version_number < -1", 18, "unexpected character '-'. Put tag keys with spaces or symbols in backticks (tags.`my key`) and values in quotes.")]
    [InlineData("version_number = 99999999999", 18, "expected a whole number after '=' (for example version_number = 3), found '99999999999'.")]
    public void Version_number_needs_a_whole_number(string text, int position, string what) =>
        AssertRefused(FilterSubject.Versions, text, position, what);

    [Theory]
    [InlineData("run_id IN 'a'", 11, "expected a list in parentheses after IN, for example run_id IN ('a1b2', 'c3d4'), found the quoted value 'a'.")]
    [InlineData("run_id IN ()", 12, "the list after IN is empty; put at least one quoted value in it.")]
    [InlineData("run_id IN ('a' 'b')", 16, "expected ',' or ')' in the IN list, found the quoted value 'b'.")]
    [InlineData("run_id IN ('a', b)", 17, "expected a quoted value in the IN list, found 'b'.")]
    [InlineData("run_id IN ('a',)", 16, "expected a quoted value in the IN list, found ')'.")]
    [InlineData("run_id IN ('a'", 15, "expected ',' or ')' in the IN list, found the end of the filter.")]
    public void IN_needs_a_parenthesised_list_of_quoted_values(string text, int position, string what) =>
        AssertRefused(FilterSubject.Versions, text, position, what);

    [Fact]
    public void The_leftmost_problem_is_reported_first() =>
        AssertRefused(FilterSubject.Models, "foo = 'x' AND tags.a-b = 'y", 1,
            "unknown attribute 'foo'; use name, tags.<key> or tags.`key with spaces`.");
}
