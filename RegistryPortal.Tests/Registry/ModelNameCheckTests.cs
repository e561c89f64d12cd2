using RegistryPortal.Domain;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry;

/// <summary>The check the "new model" form runs as the user types: the same rules as creating, and names already taken.</summary>
public class ModelNameCheckTests
{
    [Theory]
    [InlineData(null, "A model name is required.")]
    [InlineData("", "A model name is required.")]
    [InlineData("a/b", "cannot contain '/'")]
    [InlineData("tab\there", "cannot contain control characters")]
    [InlineData("line\nbreak", "cannot contain control characters")]
    [InlineData(" padded", "cannot start or end with a space")]
    [InlineData("padded ", "cannot start or end with a space")]
    public async Task An_invalid_name_gets_the_problem_creating_it_would_be_refused_with(string? name, string problem)
    {
        await using var registry = await TestRegistry.CreateAsync();
        var editor = await registry.UserAsync(Roles.Editor);

        var answer = await registry.Models.NameProblemAsync(editor, name);

        Assert.NotNull(answer);
        Assert.Contains(problem, answer);
        var refusal = await Expect.RefusalAsync(ErrorKind.InvalidValue, () => registry.Models.CreateAsync(editor, name!), problem);
        Assert.Equal(answer, refusal.Message);
    }

    [Fact]
    public async Task A_name_over_256_characters_is_a_problem_and_256_is_not()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var editor = await registry.UserAsync(Roles.Editor);

        Assert.Equal("A model name is at most 256 characters; this one has 257.", await registry.Models.NameProblemAsync(editor, new string('m', 257)));
        Assert.Null(await registry.Models.NameProblemAsync(editor, new string('m', 256)));
    }

    [Theory]
    [InlineData("Fraud-Model")]
    [InlineData("FRAUD-MODEL")]
    [InlineData("fraud-model")]
    public async Task A_name_taken_by_another_model_ignoring_case_is_a_problem(string typed)
    {
        await using var registry = await TestRegistry.CreateAsync();
        await registry.ModelWithVersionsAsync(0, "Fraud-Model");
        var editor = await registry.UserAsync(Roles.Editor);

        Assert.Equal($"A model named '{typed}' already exists (names are compared ignoring case).", await registry.Models.NameProblemAsync(editor, typed));
        await Expect.RefusalAsync(ErrorKind.AlreadyExists, () => registry.Models.CreateAsync(editor, typed));
    }

    [Fact]
    public async Task A_free_valid_name_has_no_problem_and_can_be_created()
    {
        await using var registry = await TestRegistry.CreateAsync();
        await registry.ModelWithVersionsAsync(0, "fraud-model");
        var editor = await registry.UserAsync(Roles.Editor);

        Assert.Null(await registry.Models.NameProblemAsync(editor, "fraud-model-2"));
        Assert.Null(await registry.Models.NameProblemAsync(editor, "Ünïcode model (v2) ✓"));
        await registry.Models.CreateAsync(editor, "Ünïcode model (v2) ✓");
        Assert.NotNull(await registry.Models.NameProblemAsync(editor, "ÜNÏCODE MODEL (V2) ✓"));
    }

    [Fact]
    public async Task A_deleted_model_s_name_is_free_again()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(0, "short-lived");

        Assert.NotNull(await registry.Models.NameProblemAsync(owner, name));
        await registry.Models.DeleteAsync(owner, name);

        Assert.Null(await registry.Models.NameProblemAsync(owner, name));
    }
}
