using System.Text.Json;
using Portal.Components;
using Portal.Gateway;
using Portal.SignIn;
using RoleNames = Subsidy.ServiceDefaults.Auth.Roles;

namespace Subsidy.UnitTests.Portal;

public class PortalTextsTests
{
    private sealed record Flagged(IReadOnlyList<string> Flags);

    [Theory]
    [InlineData("""{"flags":"Capped, TierMismatch"}""", new[] { "Capped", "TierMismatch" })]
    [InlineData("""{"flags":"None"}""", new string[0])]
    [InlineData(
        """{"flags":["CAPPED","BUDGET_PRORATED"]}""",
        new[] { "CAPPED", "BUDGET_PRORATED" }
    )]
    [InlineData(
        """{"flags":[{"code":"TIER_MISMATCH","name":"缴费金额不是档次"}]}""",
        new[] { "TIER_MISMATCH" }
    )]
    public void Flags_are_read_as_a_list_of_codes_whichever_shape_the_API_sends(
        string json,
        string[] expected
    ) => Assert.Equal(expected, JsonSerializer.Deserialize<Flagged>(json, GatewayApi.Json)!.Flags);

    [Fact]
    public void Amounts_show_thousands_separators_and_yuan_and_dates_are_iso() =>
        Assert.Equal(
            ("2,681,450.00 元", "2026-09-30"),
            (Texts.Money(2681450m), Texts.Date(new DateOnly(2026, 9, 30)))
        );

    [Fact]
    public void The_portal_lists_every_settlement_state_once_by_the_contracts_name_suspended_last()
    {
        var codes = Enum.GetValues<Subsidy.Contracts.SettlementState>()
            .Select(Subsidy.Contracts.EnumCodes.Of)
            .Order();
        Assert.Equal(codes, Texts.SettlementStates.Select(s => s.State).Order());
        Assert.Equal("suspended", Texts.SettlementStates[^1].State);
        Assert.Equal("县社保中心已审核", Texts.SettlementState("approved"));
        Assert.Equal("no-such-state", Texts.SettlementState("no-such-state"));
    }

    [Fact]
    public void A_scope_covers_only_the_divisions_under_it()
    {
        var clerk = new PortalUser("u", "村级经办", RoleNames.VillageClerk, "360222100201", "s");
        Assert.True(clerk.Covers("360222100201"));
        Assert.False(clerk.Covers("360222100202"));
        Assert.False(PortalUser.Nobody.Covers("360222100201"));
    }
}
