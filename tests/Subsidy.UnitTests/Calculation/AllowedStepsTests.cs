using Calculation.Settlement;
using Subsidy.Contracts;
using Subsidy.ServiceDefaults.Auth;

namespace Subsidy.UnitTests.Calculation;

public class AllowedStepsTests
{
    private const string Village = "360222100201";
    private static readonly DateOnly Today = new(2026, 10, 20);

    private static Caller For(string role) =>
        new("u", "n", role, role == Roles.VillageClerk ? Village : "360222");

    private static IReadOnlyList<AllowedStep> Steps(
        string state,
        string role,
        bool stale = false,
        DateOnly? noticeEnd = null,
        int openObjections = 0
    ) => AllowedSteps.For(state, stale, For(role), Village, noticeEnd, Today, openObjections);

    [Theory]
    [InlineData(SettlementStates.Calculated, Roles.VillageClerk, "confirm")]
    [InlineData(SettlementStates.Confirmed, Roles.VillageClerk, "publish-notice")]
    [InlineData(SettlementStates.NoticeClosed, Roles.VillageClerk, "submit-application")]
    [InlineData(SettlementStates.ApplicationSubmitted, Roles.CountyCentre, "approve,reject")]
    [InlineData(SettlementStates.Approved, Roles.CountyCentre, "issue-payment-notice")]
    [InlineData(SettlementStates.PaymentNoticeIssued, Roles.CountyCentre, "record-payment")]
    [InlineData(SettlementStates.Paid, Roles.CountyCentre, "credit")]
    [InlineData(SettlementStates.Calculated, Roles.CountyCentre, "")]
    [InlineData(SettlementStates.ApplicationSubmitted, Roles.VillageClerk, "")]
    [InlineData(SettlementStates.Credited, Roles.CountyCentre, "")]
    [InlineData(SettlementStates.Suspended, Roles.VillageClerk, "")]
    [InlineData(SettlementStates.Calculated, Roles.Auditor, "")]
    public void Each_role_is_offered_the_steps_of_its_own_turn_and_no_other(
        string state,
        string role,
        string offered
    )
    {
        var steps = Steps(state, role);
        Assert.Equal(offered, string.Join(",", steps.Select(s => s.Step)));
        Assert.All(steps, s => Assert.True(s.Allowed, s.WhyNot));
    }

    [Fact]
    public void Closing_a_notice_still_running_or_with_open_objections_is_offered_refused_with_the_reason()
    {
        var running = Steps(SettlementStates.NoticePublished, Roles.VillageClerk, noticeEnd: Today)
            .Single();
        Assert.Equal(
            ("close-notice", "结束公示", "notice/close", false),
            (running.Step, running.Label, running.Path, running.Allowed)
        );
        Assert.Equal("公示期至 2026年10月20日，尚未结束，不能结束公示。", running.WhyNot);

        var objected = Steps(
                SettlementStates.NoticePublished,
                Roles.VillageClerk,
                noticeEnd: Today.AddDays(-1),
                openObjections: 2
            )
            .Single();
        Assert.Contains("还有 2 件异议未处理", objected.WhyNot);

        Assert.True(
            Steps(
                    SettlementStates.NoticePublished,
                    Roles.VillageClerk,
                    noticeEnd: Today.AddDays(-1)
                )
                .Single()
                .Allowed
        );
    }

    [Fact]
    public void A_stale_result_offers_only_its_recalculation_which_asks_for_a_reason()
    {
        var step = Steps(SettlementStates.NoticeClosed, Roles.VillageClerk, stale: true).Single();
        Assert.Equal(
            ("recalculate", "recalculation", "reason", true),
            (step.Step, step.Path, step.Asks, step.Allowed)
        );
        Assert.Empty(Steps(SettlementStates.NoticeClosed, Roles.TownshipOfficer, stale: true));
    }

    [Fact]
    public void A_step_that_asks_for_input_says_what_and_a_rejection_is_marked_as_dangerous()
    {
        var steps = Steps(SettlementStates.ApplicationSubmitted, Roles.CountyCentre);
        var reject = steps.Single(s => s.Step == "reject");
        Assert.Equal(("reason", true, null), (reject.Asks, reject.Danger, reject.Confirm));
        var payment = Steps(SettlementStates.PaymentNoticeIssued, Roles.CountyCentre).Single();
        Assert.Equal("payment", payment.Asks);
        Assert.All(Steps(SettlementStates.Calculated, Roles.VillageClerk), s =>
            Assert.False(string.IsNullOrEmpty(s.Confirm))
        );
    }

    [Fact]
    public void A_clerk_of_another_village_is_offered_the_step_refused_for_scope()
    {
        var stranger = new Caller("u", "n", Roles.VillageClerk, "360222100299");
        var step = AllowedSteps
            .For(SettlementStates.Calculated, false, stranger, Village, null, Today, 0)
            .Single();
        Assert.False(step.Allowed);
        Assert.False(string.IsNullOrEmpty(step.WhyNot));
    }
}
