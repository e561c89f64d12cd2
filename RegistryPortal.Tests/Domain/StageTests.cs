using RegistryPortal.Domain;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Domain;

public class StageTests
{
    [Theory]
    [InlineData("None", Stage.None)]
    [InlineData("none", Stage.None)]
    [InlineData("NONE", Stage.None)]
    [InlineData("Staging", Stage.Staging)]
    [InlineData("staging", Stage.Staging)]
    [InlineData("STAGING", Stage.Staging)]
    [InlineData("Production", Stage.Production)]
    [InlineData("production", Stage.Production)]
    [InlineData("pRoDuCtIoN", Stage.Production)]
    [InlineData("Archived", Stage.Archived)]
    [InlineData("archived", Stage.Archived)]
    public void Parses_stage_names_in_any_case(string text, Stage expected) => Assert.Equal(expected, Stages.Parse(text));

    [Theory]
    [InlineData("Prod")]
    [InlineData("Archive")]
    [InlineData("1")]
    [InlineData("2")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("Staging,Production")]
    [InlineData(" production ")]
    [InlineData("Production ")]
    [InlineData("\tStaging")]
    public void Refuses_anything_else_and_lists_the_stages(string? text) =>
        Expect.Refusal(ErrorKind.InvalidValue, () => Stages.Parse(text), "not a stage", "None, Staging, Production, Archived");

    [Fact]
    public void Stages_are_shown_canonically()
    {
        Assert.Equal(["None", "Staging", "Production", "Archived"], Stages.All.Select(s => s.ToString()));
        Assert.Equal("Production", Stages.Parse("PRODUCTION").ToString());
    }

    [Theory]
    [InlineData(Stage.Staging, true)]
    [InlineData(Stage.Production, true)]
    [InlineData(Stage.None, false)]
    [InlineData(Stage.Archived, false)]
    public void Archive_existing_applies_only_to_Staging_and_Production(Stage target, bool allowed) =>
        Assert.Equal(allowed, target.AllowsArchiveExisting());

    [Theory]
    [InlineData(VersionStatus.PendingRegistration, "PENDING_REGISTRATION")]
    [InlineData(VersionStatus.Ready, "READY")]
    [InlineData(VersionStatus.FailedRegistration, "FAILED_REGISTRATION")]
    public void Version_statuses_have_MLflow_wire_names(VersionStatus status, string wire) => Assert.Equal(wire, status.WireName());
}
