using Calculation.Settlement;
using Subsidy.Contracts;
using Subsidy.ServiceDefaults.Auth;

namespace Subsidy.UnitTests.Calculation;

public class SettlementWorkflowTests
{
    private const string Village = "360222100201";
    private static readonly string[] States = Enum.GetValues<SettlementState>()
        .Select(EnumCodes.Of)
        .ToArray();

    private static Caller For(string role) =>
        new("u", "n", role, role == Roles.VillageClerk ? Village : "360222");

    [Fact]
    public void The_state_names_the_calculation_stores_are_the_codes_of_the_contract_states()
    {
        var constants = typeof(SettlementStates)
            .GetFields()
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .Order();
        Assert.Equal(States.Order(), constants);
    }

    [Fact]
    public void Every_step_and_state_reads_back_from_its_code()
    {
        foreach (var step in Enum.GetValues<SettlementStep>())
            Assert.Equal(step, EnumCodes.Parse<SettlementStep>(EnumCodes.Of(step)));
        foreach (var state in Enum.GetValues<SettlementState>())
            Assert.Equal(state, EnumCodes.Parse<SettlementState>(EnumCodes.Of(state)));
        Assert.Equal("publish-notice", EnumCodes.Of(SettlementStep.PublishNotice));
        Assert.False(EnumCodes.TryParse<SettlementState>("Credited", out _));
    }

    public static TheoryData<SettlementStep, string> EveryActionFromEveryState()
    {
        var data = new TheoryData<SettlementStep, string>();
        foreach (var action in SettlementWorkflow.Actions)
        foreach (var state in States)
            data.Add(action, state);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryActionFromEveryState))]
    public void Each_step_is_taken_only_from_the_states_before_it(
        SettlementStep action,
        string state
    )
    {
        var rule = SettlementWorkflow.Rule(action);
        // Recalculation is the one step that needs a stale result; every other step refuses one.
        var stale = action == SettlementStep.Recalculate;
        var refusal = SettlementWorkflow.WhyNot(action, state, stale, For(rule.Roles[0]), Village);
        if (rule.From.Contains(state))
            Assert.Null(refusal);
        else
            Assert.Equal(409, refusal?.StatusCode);
    }

    [Theory]
    [MemberData(nameof(EveryActionFromEveryState))]
    public void Every_role_not_named_for_a_step_is_refused_with_403(
        SettlementStep action,
        string state
    )
    {
        var rule = SettlementWorkflow.Rule(action);
        foreach (var role in Roles.All.Except(rule.Roles))
        {
            Assert.Equal(
                403,
                SettlementWorkflow.WhyNot(action, state, false, For(role), Village)?.StatusCode
            );
        }
    }

    [Fact]
    public void The_steps_run_in_the_order_of_the_settlement_design()
    {
        SettlementStep[] path =
        [
            SettlementStep.Confirm,
            SettlementStep.PublishNotice,
            SettlementStep.CloseNotice,
            SettlementStep.SubmitApplication,
            SettlementStep.Approve,
            SettlementStep.IssuePaymentNotice,
            SettlementStep.RecordPayment,
            SettlementStep.Credit,
        ];
        var state = SettlementStates.Calculated;
        foreach (var action in path)
        {
            var rule = SettlementWorkflow.Rule(action);
            Assert.Equal(state, Assert.Single(rule.From));
            state = rule.To!;
        }
        Assert.Equal(SettlementStates.Credited, state);
        Assert.Equal(
            SettlementStates.NoticeClosed,
            SettlementWorkflow.Rule(SettlementStep.Reject).To
        );
    }

    [Theory]
    [InlineData(SettlementStep.FileObjection)]
    [InlineData(SettlementStep.ResolveObjection)]
    public void Objections_are_handled_only_during_the_notice_and_leave_its_state_alone(
        SettlementStep action
    )
    {
        var rule = SettlementWorkflow.Rule(action);
        Assert.Equal(SettlementStates.NoticePublished, Assert.Single(rule.From));
        Assert.Null(rule.To);
    }

    [Fact]
    public void Objections_are_resolved_by_the_township_not_by_the_village_that_made_the_list() =>
        Assert.Equal(
            403,
            SettlementWorkflow
                .WhyNot(
                    SettlementStep.ResolveObjection,
                    SettlementStates.NoticePublished,
                    false,
                    For(Roles.VillageClerk),
                    Village
                )
                ?.StatusCode
        );

    [Theory]
    [InlineData(SettlementStates.Confirmed, true)]
    [InlineData(SettlementStates.Approved, true)]
    [InlineData(SettlementStates.PaymentNoticeIssued, false)]
    [InlineData(SettlementStates.Paid, false)]
    public void A_stale_result_can_be_recalculated_until_the_payment_notice_is_issued(
        string state,
        bool allowed
    ) =>
        Assert.Equal(
            allowed,
            SettlementWorkflow.WhyNot(
                SettlementStep.Recalculate,
                state,
                stale: true,
                For(Roles.VillageClerk),
                Village
            )
                is null
        );

    [Fact]
    public void A_result_that_is_not_stale_needs_no_recalculation() =>
        Assert.Contains(
            "无需重新测算",
            SettlementWorkflow
                .WhyNot(
                    SettlementStep.Recalculate,
                    SettlementStates.Confirmed,
                    stale: false,
                    For(Roles.VillageClerk),
                    Village
                )!
                .Message
        );

    [Theory]
    [MemberData(nameof(EveryAction))]
    public void Nothing_is_done_for_a_suspended_village(SettlementStep action)
    {
        var rule = SettlementWorkflow.Rule(action);
        Assert.Contains(
            "暂停",
            SettlementWorkflow
                .WhyNot(action, SettlementStates.Suspended, false, For(rule.Roles[0]), Village)!
                .Message
        );
    }

    public static TheoryData<SettlementStep> EveryAction() => new(SettlementWorkflow.Actions);

    [Fact]
    public void A_clerk_of_another_village_is_refused_with_403() =>
        Assert.Equal(
            403,
            SettlementWorkflow
                .WhyNot(
                    SettlementStep.Confirm,
                    SettlementStates.Calculated,
                    false,
                    new Caller("u", "n", Roles.VillageClerk, "360222100202"),
                    Village
                )
                ?.StatusCode
        );

    [Fact]
    public void A_stale_result_cannot_be_carried_forward() =>
        Assert.Contains(
            "过期",
            SettlementWorkflow
                .WhyNot(
                    SettlementStep.PublishNotice,
                    SettlementStates.Confirmed,
                    stale: true,
                    For(Roles.VillageClerk),
                    Village
                )!
                .Message
        );

    [Theory]
    [InlineData(SettlementStates.Calculated, true)]
    [InlineData(SettlementStates.WaitingForInputs, true)]
    [InlineData(SettlementStates.Suspended, false)]
    [InlineData(SettlementStates.Confirmed, false)]
    [InlineData(SettlementStates.Paid, false)]
    public void Only_results_the_village_has_not_confirmed_are_recalculated(
        string state,
        bool recalculates
    ) => Assert.Equal(recalculates, SettlementStates.Recalculates(state));
}

public class NoticePeriodTests
{
    [Fact]
    public void A_seven_day_notice_ends_six_days_after_it_starts() =>
        Assert.Equal(new DateOnly(2026, 10, 7), NoticePeriod.End(new DateOnly(2026, 10, 1), 7));

    [Fact]
    public void The_notice_cannot_close_on_its_last_day() =>
        Assert.NotNull(
            NoticePeriod.WhyStillOpen(new DateOnly(2026, 10, 7), new DateOnly(2026, 10, 7), 0)
        );

    [Fact]
    public void The_notice_closes_the_day_after() =>
        Assert.Null(
            NoticePeriod.WhyStillOpen(new DateOnly(2026, 10, 7), new DateOnly(2026, 10, 8), 0)
        );

    [Fact]
    public void Open_objections_keep_it_open() =>
        Assert.Contains(
            "异议",
            NoticePeriod.WhyStillOpen(new DateOnly(2026, 10, 7), new DateOnly(2026, 10, 20), 2)
        );
}
