using Subsidy.Contracts;

namespace Calculation.Rules;

/// <summary>How the documents and the results API name reasons and flags in Chinese.</summary>
public static class ResultTexts
{
    public static string Exclusion(ExclusionReason reason) =>
        reason switch
        {
            ExclusionReason.NoContribution => "本年度未缴费",
            ExclusionReason.PaidAfterDeadline => "缴费晚于截止日期",
            ExclusionReason.LumpSumBackPayment => "一次性补缴人员",
            ExclusionReason.ReceivingBenefits => "已领取养老待遇",
            ExclusionReason.DuplicateMembership => "多个村集体成员，待核实",
            _ => reason.ToString(),
        };

    public static string Flag(ResultFlags flag) =>
        flag switch
        {
            ResultFlags.TierMismatch => "缴费金额与档次不符",
            ResultFlags.Capped => "超过补助上限，按上限补助",
            ResultFlags.BelowSchemeThreshold => "未达到方案补助条件",
            ResultFlags.BudgetProrated => "资金不足，按比例补助",
            _ => flag.ToString(),
        };

    /// <summary>One sentence saying how the member's amount came about.</summary>
    public static string Explain(
        string? exclusion,
        decimal? tier,
        string? specialGroup,
        decimal floorPart,
        decimal incentivePart,
        IReadOnlyList<string> flags,
        decimal? adjusted
    )
    {
        if (ResultCodes.ExclusionOf(exclusion) is { } reason)
        {
            return adjusted is { } granted
                ? $"测算不予补助：{Exclusion(reason)}；经异议采纳调整为 {granted:0.00} 元。"
                : $"不予补助：{Exclusion(reason)}。";
        }
        var parts = new List<string> { tier is { } t ? $"缴费档次 {t:0.##} 元" : "无对应缴费档次" };
        if (SpecialGroups.FromCode(specialGroup) is { } group)
            parts.Add($"特殊群体（{SpecialGroups.ChineseName(group)}）托底 {floorPart:0.00} 元");
        parts.Add($"激励补助 {incentivePart:0.00} 元");
        var flagged = ResultCodes.FlagsOf(flags);
        foreach (var flag in ResultCodes.Flags.Where(f => flagged.HasFlag(f)))
            parts.Add(Flag(flag));
        if (adjusted is { } a)
            parts.Add($"经异议采纳调整为 {a:0.00} 元");
        return string.Join("；", parts) + "。";
    }
}
