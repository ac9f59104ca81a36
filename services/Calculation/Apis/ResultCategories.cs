using Calculation.Rules;
using Subsidy.Contracts;

namespace Calculation.Apis;

/// <summary>Totals of a village-year by category: eligibility, exclusion reason, special group,
/// tier, flag and adjustment, each under its code.</summary>
public static class ResultCategories
{
    public static IReadOnlyList<CategoryTotal> Of(IReadOnlyList<ResultView> results)
    {
        var totals = new List<CategoryTotal>();
        var eligible = results.Where(r => r.Exclusion is null).ToList();
        totals.Add(
            new(
                "eligibility",
                "eligible",
                "符合补助条件",
                eligible.Count,
                eligible.Sum(r => r.Amount)
            )
        );
        foreach (var reason in ResultCodes.Exclusions.Select(ResultCodes.Of))
        {
            var excluded = results.Where(r => r.Exclusion == reason).ToList();
            if (excluded.Count > 0)
                totals.Add(
                    new(
                        "exclusion",
                        reason,
                        ResultCodes.NameOf(reason),
                        excluded.Count,
                        excluded.Sum(r => r.Amount)
                    )
                );
        }
        foreach (
            var group in eligible
                .GroupBy(r => SpecialGroups.FromCode(r.SpecialGroup))
                .OrderBy(g => g.Key is { } k ? (int)k : 0)
        )
        {
            totals.Add(
                new(
                    "group",
                    group.Key is { } g ? SpecialGroups.Code(g) : "none",
                    group.Key is { } named ? SpecialGroups.ChineseName(named) : "一般参保人员",
                    group.Count(),
                    group.Sum(r => r.Amount)
                )
            );
        }
        foreach (var tier in eligible.GroupBy(r => r.Tier).OrderBy(g => g.Key ?? -1))
        {
            totals.Add(
                new(
                    "tier",
                    tier.Key?.ToString("0.##") ?? "none",
                    tier.Key is { } t ? $"{t:0.##}元档" : "无档次",
                    tier.Count(),
                    tier.Sum(r => r.Amount)
                )
            );
        }
        foreach (var flag in ResultCodes.Flags.Select(ResultCodes.Of))
        {
            var flagged = results.Where(r => r.Flags.Contains(flag)).ToList();
            if (flagged.Count > 0)
                totals.Add(
                    new(
                        "flag",
                        flag,
                        ResultCodes.NameOf(flag),
                        flagged.Count,
                        flagged.Sum(r => r.Amount)
                    )
                );
        }
        var adjusted = results.Where(r => r.AdjustedSubsidy is not null).ToList();
        if (adjusted.Count > 0)
            totals.Add(
                new(
                    "adjustment",
                    "OBJECTION_UPHELD",
                    "异议采纳调整",
                    adjusted.Count,
                    adjusted.Sum(r => r.Amount)
                )
            );
        return totals;
    }
}
