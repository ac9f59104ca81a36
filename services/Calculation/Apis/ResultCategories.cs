using Calculation.Rules;
using Subsidy.Contracts;

namespace Calculation.Apis;

/// <summary>Totals of a village-year by category: exclusion reason, special group, tier and flag.</summary>
public static class ResultCategories
{
    public static IReadOnlyList<CategoryTotal> Of(IReadOnlyList<ResultView> results)
    {
        var totals = new List<CategoryTotal>();
        var eligible = results.Where(r => r.Exclusion is null).ToList();
        totals.Add(new("eligibility", "eligible", "符合补助条件", eligible.Count, eligible.Sum(r => r.Amount)));
        foreach (var reason in Enum.GetValues<ExclusionReason>())
        {
            var excluded = results.Where(r => r.Exclusion == reason.ToString()).ToList();
            if (excluded.Count > 0) totals.Add(new("exclusion", reason.ToString(), ResultTexts.Exclusion(reason), excluded.Count, excluded.Sum(r => r.Amount)));
        }
        foreach (var group in eligible.GroupBy(r => r.SpecialGroup).OrderBy(g => g.Key is null ? 0 : (int)Enum.Parse<SpecialGroup>(g.Key)))
        {
            totals.Add(new("group", group.Key ?? "none", group.Key is null ? "一般参保人员" : SpecialGroups.ChineseName(Enum.Parse<SpecialGroup>(group.Key)), group.Count(), group.Sum(r => r.Amount)));
        }
        foreach (var tier in eligible.GroupBy(r => r.Tier).OrderBy(g => g.Key ?? -1))
        {
            totals.Add(new("tier", tier.Key?.ToString("0.##") ?? "none", tier.Key is { } t ? $"{t:0.##}元档" : "无档次", tier.Count(), tier.Sum(r => r.Amount)));
        }
        foreach (var flag in Enum.GetValues<ResultFlags>().Where(f => f != ResultFlags.None))
        {
            var flagged = results.Where(r => Enum.Parse<ResultFlags>(r.Flags).HasFlag(flag)).ToList();
            if (flagged.Count > 0) totals.Add(new("flag", flag.ToString(), ResultTexts.Flag(flag), flagged.Count, flagged.Sum(r => r.Amount)));
        }
        var adjusted = results.Where(r => r.AdjustedSubsidy is not null).ToList();
        if (adjusted.Count > 0) totals.Add(new("adjustment", "ObjectionUpheld", "异议采纳调整", adjusted.Count, adjusted.Sum(r => r.Amount)));
        return totals;
    }
}
