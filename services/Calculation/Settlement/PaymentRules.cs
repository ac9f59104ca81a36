using Subsidy.Contracts;

namespace Calculation.Settlement;

/// <summary>缴费通知单 numbers and dates, and matching a tax-bureau receipt against the notice.
/// Pure.</summary>
public static class PaymentRules
{
    /// <summary>The collective has this many days from the notice to pay at the tax bureau's
    /// window.</summary>
    public const int DaysToPay = 30;

    /// <summary>Numbered per county and year without gaps: 360222-2026-0001.</summary>
    public static string NoticeNumber(string countyCode, int year, int sequence) =>
        $"{countyCode}-{year}-{sequence:D4}";

    /// <summary>The 12-digit code of the county that issued a notice: its number starts with the
    /// county's six digits.</summary>
    public static string CountyOf(string noticeNumber) =>
        noticeNumber.Split('-')[0].PadRight(DivisionCode.Length, '0');

    public static DateOnly DueOn(DateOnly issuedOn) => issuedOn.AddDays(DaysToPay);

    public static string? WhyCannotIssue(decimal total, string? payer) =>
        total <= 0 ? "本村本年度集体补助合计为0元，无需出具缴费通知单。"
        : string.IsNullOrWhiteSpace(payer) ? "方案未填写村集体经济组织名称，无法确定缴费单位。"
        : null;

    public static IEnumerable<(string Field, string Message)> WhyReceiptDoesNotMatch(
        decimal noticeAmount,
        string? receiptNumber,
        decimal? paidAmount
    )
    {
        if (string.IsNullOrWhiteSpace(receiptNumber))
            yield return ("receiptNumber", "须填写税务部门的缴费凭证号。");
        if (paidAmount is not { } paid)
            yield return ("amount", "须填写实缴金额。");
        else if (paid != noticeAmount)
            yield return (
                "amount",
                $"实缴金额 {paid:0.00} 元与缴费通知单金额 {noticeAmount:0.00} 元不符，须由县社保中心核实处理。"
            );
    }
}
