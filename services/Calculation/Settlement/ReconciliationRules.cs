using Subsidy.Contracts;

namespace Calculation.Settlement;

public enum ReceiptOutcome
{
    Matched,
    Discrepancy,
    Duplicate,
    UnknownNotice,
    NotAwaitingPayment,
}

/// <summary>
/// How a tax-bureau receipt is reconciled with its payment notice (docs/design/07-tax-bureau.md).
/// Pure.
/// </summary>
public static class ReconciliationRules
{
    public static ReceiptOutcome Reconcile(
        bool receiptAlreadySeen,
        decimal? noticeAmount,
        string? villageYearState,
        decimal paid
    ) =>
        receiptAlreadySeen ? ReceiptOutcome.Duplicate
        : noticeAmount is not { } amount ? ReceiptOutcome.UnknownNotice
        : villageYearState != SettlementStates.PaymentNoticeIssued
            ? ReceiptOutcome.NotAwaitingPayment
        : paid == amount ? ReceiptOutcome.Matched
        : ReceiptOutcome.Discrepancy;

    public static string? Detail(
        ReceiptOutcome outcome,
        decimal? noticeAmount,
        decimal paid,
        string? state
    ) =>
        outcome switch
        {
            ReceiptOutcome.Discrepancy when paid < noticeAmount =>
                $"少缴 {noticeAmount - paid:0.00} 元：通知单 {noticeAmount:0.00} 元，实缴 {paid:0.00} 元。",
            ReceiptOutcome.Discrepancy =>
                $"多缴 {paid - noticeAmount:0.00} 元：通知单 {noticeAmount:0.00} 元，实缴 {paid:0.00} 元。",
            ReceiptOutcome.UnknownNotice => "系统中没有这张缴费通知单。",
            ReceiptOutcome.NotAwaitingPayment =>
                $"该村年度当前状态为“{SettlementStateNames.ChineseName(state)}”，不在待缴费状态。",
            _ => null,
        };

    /// <summary>How a receipt's outcome (and a payment the bureau sent back, and a resolved
    /// answer) reads: the tax-bureau answers and their audit entries both say it so.</summary>
    public static readonly IReadOnlyDictionary<string, string> OutcomeNames = new Dictionary<
        string,
        string
    >
    {
        ["matched"] = "已核对一致",
        ["discrepancy"] = "金额不符",
        ["duplicate"] = "重复回执",
        ["unknown-notice"] = "通知单不存在",
        ["not-awaiting-payment"] = "不在待缴费状态",
        ["rejected"] = "税务退回",
        ["resolved"] = "已处理",
    };

    public static string OutcomeName(string outcome) =>
        OutcomeNames.GetValueOrDefault(outcome, "其他结果");

    /// <summary>
    /// An open answer is one the county must look at: a discrepancy, or a receipt it could not
    /// match.
    /// </summary>
    public static bool NeedsResolution(string outcome) =>
        outcome is "discrepancy" or "unknown-notice" or "not-awaiting-payment";

    /// <summary>
    /// Accepting records the payment as received (the amount paid); dismissing sets the receipt
    /// aside.
    /// </summary>
    public static string? WhyCannotResolve(
        string outcome,
        bool resolved,
        string? decision,
        string? reason
    ) =>
        resolved ? "该回执已处理。"
        : !NeedsResolution(outcome) ? "该回执无需处理。"
        : decision is not ("accept" or "dismiss")
            ? "处理方式应为 accept（按实缴金额确认缴费）或 dismiss（不予确认）。"
        : decision == "accept" && outcome != "discrepancy"
            ? "只有金额不符的回执可以按实缴金额确认。"
        : string.IsNullOrWhiteSpace(reason) ? "须填写处理理由。"
        : null;
}
