using Calculation.Settlement;

namespace Subsidy.UnitTests.Calculation;

public class ReconciliationRulesTests
{
    private const string Issued = SettlementStates.PaymentNoticeIssued;

    [Theory]
    [InlineData(false, 300.0, Issued, 300.0, ReceiptOutcome.Matched)]
    [InlineData(false, 300.0, Issued, 290.0, ReceiptOutcome.Discrepancy)]
    [InlineData(false, 300.0, Issued, 300.01, ReceiptOutcome.Discrepancy)]
    [InlineData(true, 300.0, Issued, 300.0, ReceiptOutcome.Duplicate)]
    [InlineData(true, null, null, 300.0, ReceiptOutcome.Duplicate)]
    [InlineData(false, null, null, 300.0, ReceiptOutcome.UnknownNotice)]
    [InlineData(false, 300.0, SettlementStates.Paid, 300.0, ReceiptOutcome.NotAwaitingPayment)]
    [InlineData(false, 300.0, SettlementStates.Suspended, 300.0, ReceiptOutcome.NotAwaitingPayment)]
    public void A_receipt_is_matched_only_for_the_exact_amount_of_a_notice_awaiting_payment(
        bool seen,
        double? notice,
        string? state,
        double paid,
        ReceiptOutcome expected
    ) =>
        Assert.Equal(
            expected,
            ReconciliationRules.Reconcile(seen, (decimal?)notice, state, (decimal)paid)
        );

    [Fact]
    public void A_discrepancy_says_how_much_too_little_or_too_much_was_paid()
    {
        Assert.Equal(
            "少缴 10.00 元：通知单 300.00 元，实缴 290.00 元。",
            ReconciliationRules.Detail(ReceiptOutcome.Discrepancy, 300m, 290m, Issued)
        );
        Assert.Equal(
            "多缴 0.50 元：通知单 300.00 元，实缴 300.50 元。",
            ReconciliationRules.Detail(ReceiptOutcome.Discrepancy, 300m, 300.5m, Issued)
        );
    }

    [Theory]
    [InlineData("discrepancy", false, "accept", "理由", null)]
    [InlineData("discrepancy", false, "dismiss", "理由", null)]
    [InlineData("unknown-notice", false, "dismiss", "理由", null)]
    [InlineData("unknown-notice", false, "accept", "理由", "只有金额不符")]
    [InlineData("discrepancy", true, "accept", "理由", "已处理")]
    [InlineData("matched", false, "dismiss", "理由", "无需处理")]
    [InlineData("discrepancy", false, "approve", "理由", "处理方式")]
    [InlineData("discrepancy", false, "accept", " ", "理由")]
    public void Only_open_answers_are_resolved_and_always_with_a_reason(
        string outcome,
        bool resolved,
        string decision,
        string reason,
        string? refusal
    )
    {
        var why = ReconciliationRules.WhyCannotResolve(outcome, resolved, decision, reason);
        if (refusal is null)
            Assert.Null(why);
        else
            Assert.Contains(refusal, why);
    }
}
