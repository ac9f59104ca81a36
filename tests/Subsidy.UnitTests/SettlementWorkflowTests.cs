using Calculation.Settlement;
using Subsidy.ServiceDefaults.Auth;

namespace Subsidy.UnitTests;

public class SettlementWorkflowTests
{
    private const string Village = "360222100201";
    private static readonly string[] States =
    [
        SettlementStates.WaitingForInputs, SettlementStates.Suspended, SettlementStates.Calculated, SettlementStates.Confirmed,
        SettlementStates.NoticePublished, SettlementStates.NoticeClosed, SettlementStates.ApplicationSubmitted, SettlementStates.Approved,
        SettlementStates.PaymentNoticeIssued, SettlementStates.Paid, SettlementStates.Credited,
    ];

    private static Caller For(string role) => new("u", "n", role, role == Roles.VillageClerk ? Village : "360222");

    public static TheoryData<SettlementAction, string> EveryActionFromEveryState()
    {
        var data = new TheoryData<SettlementAction, string>();
        foreach (var action in Enum.GetValues<SettlementAction>()) foreach (var state in States) data.Add(action, state);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryActionFromEveryState))]
    public void Each_step_is_taken_only_from_the_state_before_it(SettlementAction action, string state)
    {
        var (from, _, role) = SettlementWorkflow.Rule(action);
        var refusal = SettlementWorkflow.WhyNot(action, state, stale: false, For(role), Village);
        if (state == from) Assert.Null(refusal);
        else Assert.Equal(409, refusal?.StatusCode);
    }

    [Fact]
    public void The_steps_run_in_the_order_of_DESIGN_6()
    {
        SettlementAction[] path = [SettlementAction.Confirm, SettlementAction.PublishNotice, SettlementAction.CloseNotice,
            SettlementAction.SubmitApplication, SettlementAction.Approve, SettlementAction.IssuePaymentNotice];
        var state = SettlementStates.Calculated;
        foreach (var action in path)
        {
            var (from, to, _) = SettlementWorkflow.Rule(action);
            Assert.Equal(from, state);
            state = to;
        }
        Assert.Equal(SettlementStates.PaymentNoticeIssued, state);
        Assert.Equal(SettlementStates.NoticeClosed, SettlementWorkflow.Rule(SettlementAction.Reject).To);
    }

    [Theory]
    [InlineData(SettlementAction.Confirm, Roles.CountyCentre)]
    [InlineData(SettlementAction.Approve, Roles.VillageClerk)]
    [InlineData(SettlementAction.IssuePaymentNotice, Roles.TownshipOfficer)]
    public void The_wrong_role_is_refused_with_403(SettlementAction action, string role)
    {
        var (from, _, _) = SettlementWorkflow.Rule(action);
        Assert.Equal(403, SettlementWorkflow.WhyNot(action, from, false, For(role), Village)?.StatusCode);
    }

    [Fact]
    public void A_clerk_of_another_village_is_refused_with_403() =>
        Assert.Equal(403, SettlementWorkflow.WhyNot(SettlementAction.Confirm, SettlementStates.Calculated, false, new Caller("u", "n", Roles.VillageClerk, "360222100202"), Village)?.StatusCode);

    [Fact]
    public void A_stale_result_cannot_be_carried_forward() =>
        Assert.Contains("过期", SettlementWorkflow.WhyNot(SettlementAction.PublishNotice, SettlementStates.Confirmed, stale: true, For(Roles.VillageClerk), Village)!.Message);

    [Theory]
    [InlineData(SettlementStates.Calculated, true)]
    [InlineData(SettlementStates.WaitingForInputs, true)]
    [InlineData(SettlementStates.Confirmed, false)]
    [InlineData(SettlementStates.Paid, false)]
    public void Only_results_the_village_has_not_confirmed_are_recalculated(string state, bool recalculates) =>
        Assert.Equal(recalculates, SettlementStates.Recalculates(state));
}

public class NoticePeriodTests
{
    [Fact]
    public void A_seven_day_notice_ends_six_days_after_it_starts() =>
        Assert.Equal(new DateOnly(2026, 10, 7), NoticePeriod.End(new DateOnly(2026, 10, 1), 7));

    [Fact]
    public void The_notice_cannot_close_on_its_last_day() =>
        Assert.NotNull(NoticePeriod.WhyStillOpen(new DateOnly(2026, 10, 7), new DateOnly(2026, 10, 7), 0));

    [Fact]
    public void The_notice_closes_the_day_after() =>
        Assert.Null(NoticePeriod.WhyStillOpen(new DateOnly(2026, 10, 7), new DateOnly(2026, 10, 8), 0));

    [Fact]
    public void Open_objections_keep_it_open() =>
        Assert.Contains("异议", NoticePeriod.WhyStillOpen(new DateOnly(2026, 10, 7), new DateOnly(2026, 10, 20), 2));
}
