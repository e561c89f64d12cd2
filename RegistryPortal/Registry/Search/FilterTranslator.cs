using System.Linq.Expressions;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using RegistryPortal.Data;
using RegistryPortal.Domain;
using RegistryPortal.Search;
using static RegistryPortal.Search.FilterExpressions;
using RegistryPortal.Tracking;

namespace RegistryPortal.Registry.Search;

/// <summary>
/// Turns comparisons into LINQ that EF Core translates to SQL (one WHERE per comparison, so AND).
/// Tag comparisons become EXISTS subqueries on the tag table.
/// <para>
/// Case: '=' and '!=' compare exactly (SQLite's BINARY collation, PostgreSQL's "C"), as MLflow does.
/// LIKE is case-sensitive and ILIKE is not; how each database does that is the context's
/// (<see cref="RegistryDbContext.Like"/>): on SQLite LIKE becomes GLOB with the pattern converted
/// (% → *, _ → ?, and GLOB's own * ? [ made literal) and ILIKE is SQLite's LIKE. For names ILIKE
/// compares the upper-cased NormalizedName with the upper-cased pattern, so it ignores case for every
/// letter. For tag values, run ids and sources ILIKE folds ASCII letters only (MLflow on SQLite does
/// the same). No escape character: % and _ are always wildcards, as in MLflow.
/// </para>
/// </summary>
internal static class FilterTranslator
{
    public static IQueryable<RegisteredModel> Apply(IQueryable<RegisteredModel> models, RegistryDbContext db, IEnumerable<FilterComparison> comparisons)
    {
        foreach (var c in comparisons)
        {
            models = c.Target switch
            {
                TagTarget tag when IsNotPrompt(c) => models.Where(m => !db.ModelTags.Any(t => t.ModelId == m.Id && t.Key == tag.Key && t.Value == PromptMark)),
                TagTarget tag => WithTag(models, db.ModelTags.Where(t => t.Key == tag.Key).Where(Text<ModelTag>(db, t => t.Value, c))),
                AttributeTarget { Attribute: FilterAttribute.Name } => WhereName(db, models, m => m.Name, m => m.NormalizedName, c),
                _ => throw Unsupported(c),
            };
        }
        return models;
    }

    public static IQueryable<ModelVersion> Apply(IQueryable<ModelVersion> versions, RegistryDbContext db, IEnumerable<FilterComparison> comparisons)
    {
        foreach (var c in comparisons)
        {
            versions = c.Target switch
            {
                TagTarget tag when IsNotPrompt(c) => versions.Where(v => !db.VersionTags.Any(t => t.VersionId == v.Id && t.Key == tag.Key && t.Value == PromptMark)),
                TagTarget tag => WithTag(versions, db.VersionTags.Where(t => t.Key == tag.Key).Where(Text<VersionTag>(db, t => t.Value, c))),
                AttributeTarget { Attribute: FilterAttribute.Name } => WhereName(db, versions, v => v.Model!.Name, v => v.Model!.NormalizedName, c),
                AttributeTarget { Attribute: FilterAttribute.RunId } => versions.Where(Text<ModelVersion>(db, v => v.RunId, c)),
                AttributeTarget { Attribute: FilterAttribute.SourcePath } => versions.Where(Text<ModelVersion>(db, v => v.Source, c)),
                AttributeTarget { Attribute: FilterAttribute.VersionNumber } => versions.Where(Number(c)),
                _ => throw Unsupported(c),
            };
        }
        return versions;
    }

    /// <summary>Experiments filter like registered models: by name and by tags (MLflow's search_experiments).</summary>
    public static IQueryable<Experiment> Apply(IQueryable<Experiment> experiments, RegistryDbContext db, IEnumerable<FilterComparison> comparisons)
    {
        foreach (var c in comparisons)
        {
            experiments = c.Target switch
            {
                TagTarget tag => WithTag(experiments, db.Set<ExperimentTag>().Where(t => t.Key == tag.Key).Where(Text<ExperimentTag>(db, t => t.Value, c))),
                AttributeTarget { Attribute: FilterAttribute.Name } => experiments.Where(Text<Experiment>(db, e => e.Name, c)),
                _ => throw Unsupported(c),
            };
        }
        return experiments;
    }

    // The captured IQueryable is inlined by EF Core into the outer query: WHERE EXISTS (SELECT … FROM tags …).
    /// <summary>The tag by which MLflow 3 marks a registered model as a prompt, and the value it sets.</summary>
    public const string PromptTag = "mlflow.prompt.is_prompt";

    private const string PromptMark = "true";

    /// <summary>
    /// <c>tags.`mlflow.prompt.is_prompt` != 'true'</c>, which MLflow 3's client adds to every models search so prompts
    /// stay out: MLflow's server lets models without the tag through too (any other '!=' needs the tag to exist).
    /// </summary>
    private static bool IsNotPrompt(FilterComparison c) =>
        c is { Target: TagTarget { Key: PromptTag }, Operator: FilterOperator.NotEqual, Value: TextValue { Text: PromptMark } };

    private static IQueryable<RegisteredModel> WithTag(IQueryable<RegisteredModel> models, IQueryable<ModelTag> matching) =>
        models.Where(m => matching.Any(t => t.ModelId == m.Id));

    private static IQueryable<ModelVersion> WithTag(IQueryable<ModelVersion> versions, IQueryable<VersionTag> matching) =>
        versions.Where(v => matching.Any(t => t.VersionId == v.Id));

    private static IQueryable<Experiment> WithTag(IQueryable<Experiment> experiments, IQueryable<ExperimentTag> matching) =>
        experiments.Where(e => matching.Any(t => t.ExperimentId == e.Id));

    /// <summary>ILIKE on a name compares upper-cased values (see the class comment); everything else is on the name as typed.</summary>
    private static IQueryable<T> WhereName<T>(RegistryDbContext db, IQueryable<T> rows, Expression<Func<T, string>> name,
        Expression<Func<T, string>> normalizedName, FilterComparison c)
    {
        if (c.Operator == FilterOperator.ILike)
            return rows.Where(Compose(normalizedName, FilterExpressions.Text(db, FilterOperator.Like, ModelName.Normalize(((TextValue)c.Value).Text))));
        // name = 'x' also compares the upper-cased name: the same rows (equal names have equal upper-cased
        // names), but its unique index lets SQLite find the model first; without it SQLite walks every
        // version and looks up its model (25 ms at 200,000 versions, bench: versions search, name = '…').
        if (c is { Operator: FilterOperator.Equal, Value: TextValue text })
            rows = rows.Where(Compose(normalizedName, FilterExpressions.Text(db, FilterOperator.Equal, ModelName.Normalize(text.Text))));
        return rows.Where(Text(db, name, c));
    }

    private static Expression<Func<T, bool>> Text<T>(RegistryDbContext db, Expression<Func<T, string>> column, FilterComparison c) =>
        c.Value switch
        {
            TextValue text => Compose(column, FilterExpressions.Text(db, c.Operator, text.Text)),
            TextListValue list => Compose(column, OneOf(list.Items)),
            _ => throw Unsupported(c),
        };

    private static Expression<Func<ModelVersion, bool>> Number(FilterComparison c) =>
        Compose<ModelVersion, int>(v => v.Number, Compare(c.Operator, ((NumberValue)c.Value).Number));

    private static InvalidOperationException Unsupported(FilterComparison c) =>
        new($"The parser let through a comparison this search cannot translate: {c}.");
}
