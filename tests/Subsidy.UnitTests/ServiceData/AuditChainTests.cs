using Subsidy.ServiceData;

namespace Subsidy.UnitTests.ServiceData;

public class AuditChainTests
{
    private static readonly ChainedEntry Entry = new(
        41,
        "village-year",
        "360222100201/2026",
        "360222100201",
        "确认测算结果",
        "已测算",
        "已确认",
        null,
        "fl-clerk-360222100201",
        "village-clerk",
        new DateTime(2026, 3, 2, 8, 30, 15, 123, 456, DateTimeKind.Utc)
    );

    [Fact]
    public void An_entrys_hash_is_the_same_for_the_same_content_and_link()
    {
        var hash = AuditChain.Hash(AuditChain.Genesis, Entry);
        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.Equal(hash, AuditChain.Hash(AuditChain.Genesis, Entry with { }));
    }

    [Fact]
    public void Changing_any_field_or_the_previous_hash_changes_the_hash()
    {
        var hash = AuditChain.Hash(AuditChain.Genesis, Entry);
        var changed = new[]
        {
            Entry with
            {
                Id = 42,
            },
            Entry with
            {
                Entity = "scheme",
            },
            Entry with
            {
                EntityKey = "360222100202/2026",
            },
            Entry with
            {
                DivisionCode = "360222100202",
            },
            Entry with
            {
                Action = "发布公示",
            },
            Entry with
            {
                FromState = null,
            },
            Entry with
            {
                ToState = "已公示",
            },
            Entry with
            {
                Reason = "",
            },
            Entry with
            {
                Actor = "someone-else",
            },
            Entry with
            {
                ActorRole = "county-centre",
            },
            Entry with
            {
                At = Entry.At.AddTicks(10),
            },
        };
        Assert.All(changed, e => Assert.NotEqual(hash, AuditChain.Hash(AuditChain.Genesis, e)));
        Assert.NotEqual(hash, AuditChain.Hash(hash, Entry));
    }

    [Fact]
    public void An_absent_field_and_an_empty_one_hash_differently()
    {
        Assert.NotEqual(
            AuditChain.Hash(AuditChain.Genesis, Entry with { Reason = null }),
            AuditChain.Hash(AuditChain.Genesis, Entry with { Reason = "" })
        );
    }
}
