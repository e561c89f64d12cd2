using RegistryPortal.Domain;
using RegistryPortal.Registry.Search;
using RegistryPortal.Search;
using RegistryPortal.Tests.TestSupport;
using RegistryPortal.Tracking.Search;

namespace RegistryPortal.Tests.Tracking.Search;

/// <summary>The runs filter and order_by syntax: what parses into what, and what is refused, where and why.</summary>
public class RunFilterParserTests
{
    [Fact]
    public void Comparisons_of_each_kind_joined_with_AND_parse_with_their_positions()
    {
        var filter = RunFilter.Parse("metrics.auc > 0.9 AND params.model = 'xgb' and tags.team != \"risk\" AND attributes.status ILIKE 'fin%'");

        Assert.Equal(
        [
            new RunComparison(new RunKey(RunEntity.Metric, "auc"), FilterOperator.Greater, null, 0.9, 1),
            new RunComparison(new RunKey(RunEntity.Param, "model"), FilterOperator.Equal, "xgb", null, 23),
            new RunComparison(new RunKey(RunEntity.Tag, "team"), FilterOperator.NotEqual, "risk", null, 48),
            new RunComparison(new RunKey(RunEntity.Attribute, "status", RunAttribute.Status), FilterOperator.ILike, "fin%", null, 72),
        ], filter.Comparisons);
    }

    [Theory]
    [InlineData("metrics.`val loss` <= -1.5e-3", RunEntity.Metric, "val loss", -0.0015)]
    [InlineData("metrics.\"val loss\" <= -1.5E-3", RunEntity.Metric, "val loss", -0.0015)]
    [InlineData("metrics.train/loss <= .5", RunEntity.Metric, "train/loss", 0.5)]
    [InlineData("metric.val-loss<=+2", RunEntity.Metric, "val-loss", 2.0)]
    [InlineData("METRICS.a.b <= 3", RunEntity.Metric, "a.b", 3.0)]
    public void Metric_names_may_be_quoted_dashed_or_dotted_and_numbers_signed_or_scientific(string text, RunEntity entity, string key, double number)
    {
        var comparison = Assert.Single(RunFilter.Parse(text).Comparisons);

        Assert.Equal((entity, key, FilterOperator.LessOrEqual, number), (comparison.Target.Entity, comparison.Target.Key, comparison.Operator, comparison.Number!.Value));
    }

    [Theory]
    [InlineData("param.lr = '1'", RunEntity.Param, "lr", null)]
    [InlineData("parameters.lr = '1'", RunEntity.Param, "lr", null)]
    [InlineData("tag.`mlflow.user` = '1'", RunEntity.Tag, "mlflow.user", null)]
    [InlineData("Attr.Run_Name = '1'", RunEntity.Attribute, "run_name", RunAttribute.RunName)]
    [InlineData("run.run_id = '1'", RunEntity.Attribute, "run_id", RunAttribute.RunId)]
    [InlineData("attributes.`Run name` = '1'", RunEntity.Attribute, "run_name", RunAttribute.RunName)]
    [InlineData("status = '1'", RunEntity.Attribute, "status", RunAttribute.Status)]
    [InlineData("attributes.created = 1", RunEntity.Attribute, "start_time", RunAttribute.StartTime)]
    [InlineData("attribute.end_time = 1", RunEntity.Attribute, "end_time", RunAttribute.EndTime)]
    public void Prefix_aliases_and_attribute_names_ignore_case(string text, RunEntity entity, string key, RunAttribute? attribute)
    {
        var target = Assert.Single(RunFilter.Parse(text).Comparisons).Target;

        Assert.Equal(new RunKey(entity, key, attribute), target);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_filter_keeps_every_run(string? text) => Assert.Empty(RunFilter.Parse(text).Comparisons);

    [Fact]
    public void A_doubled_quote_inside_a_value_stands_for_one() =>
        Assert.Equal("it's", Assert.Single(RunFilter.Parse("tags.note = 'it''s'").Comparisons).Text);

    [Theory]
    [InlineData("metrics.auc > 0.9 OR params.a = 'b'", 19, "OR is not supported")]
    [InlineData("metrics.auc LIKE '0.9%'", 13, "metrics.auc holds numbers and cannot be compared with LIKE; use =, !=, <, <=, > or >=")]
    [InlineData("params.lr > '0.1'", 11, "params.lr holds text and cannot be compared with >; use =, !=, LIKE or ILIKE")]
    [InlineData("attributes.start_time LIKE '1%'", 23, "holds numbers and cannot be compared with LIKE")]
    [InlineData("metrics.auc > '0.9'", 15, "metrics.auc holds numbers: write the number without quotes")]
    [InlineData("params.lr = 0.1", 13, "params are text: put the value in quotes (for example params.lr = '0.1')")]
    [InlineData("attributes.status = FINISHED", 21, "expected a quoted value after '=' (for example attributes.status = 'FINISHED')")]
    [InlineData("attributes.color = 'red'", 1, "unknown attribute 'color'")]
    [InlineData("metric_auc > 1", 1, "'metric_auc' is not a key")]
    [InlineData("foo.bar = 'x'", 1, "unknown prefix 'foo'")]
    [InlineData("metrics.auc >", 14, "expected a number after '>'")]
    [InlineData("params.a = 'x", 12, "the value that starts here has no closing '")]
    [InlineData("metrics.`a > 1", 9, "the key that starts here has no closing `")]
    [InlineData("metrics.auc 0.9", 13, "expected an operator after metrics.auc")]
    [InlineData("metrics.auc > 0.9 params.a = 'b'", 19, "expected AND or the end of the filter")]
    [InlineData("metrics. > 1", 9, "expected a name after 'metrics.'")]
    [InlineData("metrics.`` > 1", 9, "cannot be empty")]
    [InlineData("attributes.start_time > 1.5", 25, "whole milliseconds")]
    [InlineData("metrics.auc > 1 AND", 20, "ends where a comparison should start")]
    [InlineData("metrics.auc ! 1", 13, "'!' on its own is not an operator")]
    [InlineData("metrics.auc > 0.9; drop", 18, "unexpected character ';'")]
    [InlineData("metrics.auc > 1x", 15, "expected a number after '>'")]
    [InlineData("'auc' > 1", 1, "expected metrics.<name>")]
    [InlineData("params.a IN ('x')", 10, "params.a holds text and cannot be compared with IN; use =, !=, LIKE or ILIKE.")]
    public void Mistakes_are_refused_saying_where_and_what(string text, int position, string what)
    {
        var error = Expect.Refusal(ErrorKind.InvalidValue, () => RunFilter.Parse(text));

        Assert.StartsWith($"Invalid filter at position {position}: ", error.Message);
        Assert.Contains(what, error.Message);
    }

    [Fact]
    public void Order_by_clauses_name_a_key_and_an_optional_direction()
    {
        var orders = RunFilter.ParseOrderBy(["metrics.auc DESC", "params.lr", "attributes.start_time asc", "metrics.`val loss` Desc", "", "run_name"]);

        Assert.Equal(
        [
            new RunOrder(new RunKey(RunEntity.Metric, "auc"), true),
            new RunOrder(new RunKey(RunEntity.Param, "lr"), false),
            new RunOrder(new RunKey(RunEntity.Attribute, "start_time", RunAttribute.StartTime), false),
            new RunOrder(new RunKey(RunEntity.Metric, "val loss"), true),
            new RunOrder(new RunKey(RunEntity.Attribute, "run_name", RunAttribute.RunName), false),
        ], orders);
    }

    [Theory]
    [InlineData("metrics.auc DOWN", 13, "expected ASC, DESC or nothing after metrics.auc")]
    [InlineData("auc DESC", 1, "'auc' is not a key")]
    [InlineData("metrics.auc DESC, params.lr", 17, "give each order_by clause on its own")]
    [InlineData("attributes.colour", 1, "unknown attribute 'colour'")]
    public void Order_by_mistakes_name_the_clause_where_and_what(string clause, int position, string what)
    {
        var error = Expect.Refusal(ErrorKind.InvalidValue, () => RunFilter.ParseOrderBy([clause]));

        Assert.StartsWith($"Invalid order_by clause '{clause}' at position {position}: ", error.Message);
        Assert.Contains(what, error.Message);
    }

    [Theory]
    [InlineData(RunEntity.Metric, "auc")]
    [InlineData(RunEntity.Metric, "val loss")]
    [InlineData(RunEntity.Param, "it`s")]
    [InlineData(RunEntity.Tag, "mlflow.source.name")]
    [InlineData(RunEntity.Metric, "1st")]
    [InlineData(RunEntity.Param, "a=b")]
    public void A_key_written_out_parses_back_to_itself(RunEntity entity, string name)
    {
        var key = new RunKey(entity, name);

        Assert.Equal(new RunOrder(key, true), RunFilter.ParseOrderBy([$"{key} DESC"]).Single());
    }
}
