using System.Text;
using RegistryPortal.Domain;
using RegistryPortal.Registry;

namespace RegistryPortal.Tests.Registry;

/// <summary>The text of the NOTIFY that tells other instances of a transaction's changes.</summary>
public class ChangeNoticeTests
{
    [Fact]
    public void A_notice_reads_back_as_the_instance_and_changes_it_was_made_of()
    {
        var instance = Guid.NewGuid();
        RegistryChange[] changes = [new("fraud-detector", 3, ActivityKind.Transitioned), new("churn", null, ActivityKind.ModelRenamed)];

        var notice = Assert.Single(ChangeNotice.Encode(instance, changes));
        var (from, read) = ChangeNotice.Decode(notice);

        Assert.Equal(instance, from);
        Assert.Equal(changes, read);
    }

    [Fact]
    public void Many_changes_go_out_as_several_notices_each_within_PostgreSQLs_8000_bytes()
    {
        var instance = Guid.NewGuid();
        var changes = Enumerable.Range(1, 200).Select(i => new RegistryChange(new string('m', 200) + i, i, ActivityKind.Transitioned)).ToList();

        var notices = ChangeNotice.Encode(instance, changes).ToList();

        Assert.True(notices.Count > 1);
        Assert.All(notices, n => Assert.True(Encoding.UTF8.GetByteCount(n) < 8000, $"{Encoding.UTF8.GetByteCount(n)} bytes"));
        Assert.Equal(changes, notices.SelectMany(n => ChangeNotice.Decode(n).Changes));
    }

    [Fact]
    public void A_change_touches_only_its_own_model_whatever_the_case_and_Anything_touches_every_model()
    {
        var change = new RegistryChange("Fraud-Detector", 1, ActivityKind.Transitioned);

        Assert.True(change.Touches("fraud-detector"));
        Assert.False(change.Touches("churn"));
        Assert.False(new RegistryChange("", null, ActivityKind.UserRolesChanged).Touches("churn")); // an admin's change of no model
        Assert.True(RegistryChange.Anything.Touches("churn"));
    }
}
