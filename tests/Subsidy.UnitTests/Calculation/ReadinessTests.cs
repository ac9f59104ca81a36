using Calculation.Inputs;
using Calculation.Settlement;
using Subsidy.Contracts;

namespace Subsidy.UnitTests.Calculation;

public class ReadinessTests
{
    private static readonly InputPresence Everything = new(
        Scheme: true,
        MembershipBasis.Roster,
        PolicyYear: true,
        "active",
        ContributionsComplete: true,
        Roster: true
    );

    [Fact]
    public void A_village_year_with_every_input_waits_for_nothing() =>
        Assert.Empty(Readiness.Missing(Everything));

    [Theory]
    [InlineData(nameof(InputPresence.Scheme), MissingInput.Scheme)]
    [InlineData(nameof(InputPresence.PolicyYear), MissingInput.PolicyYear)]
    [InlineData(nameof(InputPresence.ContributionsComplete), MissingInput.Contributions)]
    [InlineData(nameof(InputPresence.Roster), MissingInput.Roster)]
    public void Each_missing_input_is_named(string absent, MissingInput named)
    {
        var presence = absent switch
        {
            nameof(InputPresence.Scheme) => Everything with { Scheme = false },
            nameof(InputPresence.PolicyYear) => Everything with { PolicyYear = false },
            nameof(InputPresence.ContributionsComplete) => Everything with
            {
                ContributionsComplete = false,
            },
            _ => Everything with { Roster = false },
        };
        Assert.Equal([named], Readiness.Missing(presence));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("applied")]
    [InlineData("rejected")]
    [InlineData("suspended")]
    public void A_village_not_active_in_the_pilot_waits_for_it(string? status) =>
        Assert.Equal(
            [MissingInput.ActivePilot],
            Readiness.Missing(Everything with { PilotStatus = status })
        );

    [Fact]
    public void A_scheme_for_the_insured_in_the_village_needs_no_roster() =>
        Assert.Empty(
            Readiness.Missing(
                Everything with
                {
                    Basis = MembershipBasis.InsuredInVillage,
                    Roster = false,
                }
            )
        );

    [Fact]
    public void Nothing_at_all_names_every_input_but_the_roster_whose_need_the_scheme_decides() =>
        Assert.Equal(
            [
                MissingInput.Scheme,
                MissingInput.PolicyYear,
                MissingInput.ActivePilot,
                MissingInput.Contributions,
            ],
            Readiness.Missing(new InputPresence(false, null, false, null, false, false))
        );

    [Fact]
    public void Codes_are_kebab_case_and_every_one_has_a_chinese_name()
    {
        Assert.Equal(
            ["scheme", "policy-year", "active-pilot", "contributions", "roster"],
            Enum.GetValues<MissingInput>().Select(Readiness.Code)
        );
        Assert.All(Enum.GetValues<MissingInput>(), m =>
            Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", Readiness.ChineseName(m))
        );
    }

    [Theory]
    [InlineData("suspended", null, Verdict.Suspended)]
    [InlineData("active", SettlementStates.Suspended, Verdict.Suspended)]
    [InlineData("active", SettlementStates.Calculated, null)]
    public void A_suspended_pilot_or_village_year_does_no_new_work(
        string pilot,
        string? state,
        Verdict? verdict
    ) => Assert.Equal(verdict, Readiness.BeforeLoading(pilot, state, []));

    [Fact]
    public void A_missing_input_makes_it_wait() =>
        Assert.Equal(
            Verdict.Wait,
            Readiness.BeforeLoading(
                "active",
                SettlementStates.Calculated,
                [MissingInput.Contributions]
            )
        );

    [Theory]
    [InlineData(null, false, Verdict.Calculate)]
    [InlineData(SettlementStates.WaitingForInputs, false, Verdict.Calculate)]
    [InlineData(SettlementStates.Calculated, false, Verdict.Calculate)]
    [InlineData(SettlementStates.Confirmed, false, Verdict.MarkStale)]
    [InlineData(SettlementStates.PaymentNoticeIssued, false, Verdict.MarkStale)]
    [InlineData(SettlementStates.Calculated, true, Verdict.Unchanged)]
    [InlineData(SettlementStates.Confirmed, true, Verdict.Unchanged)]
    [InlineData(SettlementStates.WaitingForInputs, true, Verdict.Resume)]
    public void After_the_fingerprint_changed_inputs_recalculate_before_confirmation_and_go_stale_after(
        string? state,
        bool same,
        Verdict verdict
    ) => Assert.Equal(verdict, Readiness.AfterFingerprint(state, same));
}
