namespace Calculation.Settlement;

/// <summary>异议 (docs/design/05-settlement.md): filed during the notice against one member's result;
/// upheld within cap and budget, or dismissed. Pure.</summary>
public static class ObjectionRules
{
    public const string Open = "open";
    public const string Upheld = "upheld";
    public const string Dismissed = "dismissed";

    /// <summary>Left open when the village-year was recalculated: the result it was against no
    /// longer stands.</summary>
    public const string Void = "void";

    public static IEnumerable<(string Field, string Message)> WhyCannotFile(
        DateOnly today,
        DateOnly noticeStart,
        DateOnly noticeEnd,
        bool isListed,
        string? complaint
    )
    {
        if (today < noticeStart || today > noticeEnd)
        {
            yield return (
                "filedOn",
                $"公示期为 {noticeStart:yyyy年M月d日} 至 {noticeEnd:yyyy年M月d日}，只能在公示期内登记异议。"
            );
        }
        if (!isListed)
            yield return ("idNumber", "该公民身份号码不在本次公示的测算结果中。");
        if (string.IsNullOrWhiteSpace(complaint))
            yield return ("complaint", "须填写异议内容。");
        else if (complaint.Trim().Length > 500)
            yield return ("complaint", "异议内容不能超过500字。");
    }

    /// <summary>
    /// An upheld objection replaces the member's amount; it must stay within the year's cap, and
    /// the village total with it (the other members' amounts unchanged) must stay within the
    /// scheme's budget.
    /// </summary>
    public static IEnumerable<(string Field, string Message)> WhyCannotUphold(
        decimal? amount,
        string? reason,
        decimal cap,
        decimal budget,
        decimal villageTotal,
        decimal memberCurrent
    )
    {
        if (string.IsNullOrWhiteSpace(reason))
            yield return ("reason", "须填写处理意见（采纳的理由）。");
        if (amount is not { } adjusted)
        {
            yield return ("amount", "须填写调整后的集体补助金额。");
            yield break;
        }
        if (adjusted < 0)
            yield return ("amount", "调整后的金额不能为负数。");
        else if (decimal.Round(adjusted, 2) != adjusted)
            yield return ("amount", "金额最多保留两位小数（分）。");
        else if (adjusted > cap)
            yield return (
                "amount",
                $"调整后的金额 {adjusted:0.00} 元超过本年度补助上限 {cap:0.00} 元。"
            );
        else if (villageTotal - memberCurrent + adjusted > budget)
        {
            yield return (
                "amount",
                $"调整后全村补助合计 {villageTotal - memberCurrent + adjusted:0.00} 元，超过方案预算 {budget:0.00} 元；最多可调整为 {Math.Max(0, budget - (villageTotal - memberCurrent)):0.00} 元。"
            );
        }
    }

    public static IEnumerable<(string Field, string Message)> WhyCannotDismiss(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
            yield return ("reason", "须填写不予采纳的理由。");
    }

    public static string? WhyNotOpen(string state) =>
        state switch
        {
            Open => null,
            Upheld => "该异议已采纳，不能再次处理。",
            Dismissed => "该异议已不予采纳，不能再次处理。",
            _ => "该异议已随原测算结果失效。",
        };
}
