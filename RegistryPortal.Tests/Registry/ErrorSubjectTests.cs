using RegistryPortal.Domain;
using RegistryPortal.Registry;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Registry;

/// <summary>Refusals name the model and version they are about, so the API can say which.</summary>
public class ErrorSubjectTests
{
    [Fact]
    public async Task Not_found_and_name_taken_errors_say_which_model_and_version()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, owner) = await registry.ModelWithVersionsAsync(1, name: "Fraud");

        var model = await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Models.GetAsync(owner, "ghost"));
        var version = await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Versions.GetAsync(owner, "fraud", 9));
        var taken = await Expect.RefusalAsync(ErrorKind.AlreadyExists, () => registry.Models.CreateAsync(owner, "FRAUD"));
        var tag = await Expect.RefusalAsync(ErrorKind.NotFound, () => registry.Models.DeleteTagAsync(owner, name, "nope"));

        Assert.Equal(new ErrorSubject("ghost"), model.Subject);
        Assert.Equal(new ErrorSubject("Fraud", 9), version.Subject);
        Assert.Equal(new ErrorSubject("FRAUD"), taken.Subject);
        Assert.Null(tag.Subject);
    }
}
