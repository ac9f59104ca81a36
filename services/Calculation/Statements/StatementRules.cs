using Calculation.Rules;
using Subsidy.Contracts;

namespace Calculation.Statements;

/// <summary>What a resident's statement is made of, as the calculation knows it.</summary>
public sealed record StatementInputs(
    SchemeInput Scheme,
    PolicyInput Policy,
    string VillageCode,
    int Year,
    string Name,
    string IdNumber,
    SpecialGroup? Group,
    ExclusionReason? Exclusion,
    decimal? ChosenTier,
    decimal CurrentSubsidy,
    bool Prorated,
    IReadOnlyList<CreditedYear> Credited,
    decimal OwnPayment = 0
);

/// <summary>
/// 算清经济账 (docs/design/11-beyond-paperwork.md), pure. Every tier's amount comes from <see
/// cref="SubsidyRules.AtTier"/>, the calculation's own rule, never a copy of it. The estimate at
/// 60: the collective subsidies in the personal account ÷ 139 (the national 计发月数 at 60), for what
/// is credited so far and for continuing at each tier every year until 60 — no interest.
/// </summary>
public static class StatementRules
{
    public const int MonthsAt60 = 139;

    public const string Formula =
        "预计每月增加的养老金约为：个人账户中的集体补助累计额 ÷ 139（60周岁领取养老金的计发月数）；未计利息，仅为估算，以实际领取时核定为准。";

    public static ResidentStatement Compose(StatementInputs i)
    {
        var creditedTotal = i.Credited.Sum(c => c.Amount);
        var creditedThisYear = i.Credited.Any(c => c.Year == i.Year);
        var yearsLeft = ContributionYearsLeft(i.IdNumber, i.Year, creditedThisYear);
        var tiers = i
            .Policy.Tiers.Order()
            .Select(tier =>
            {
                var amount = SubsidyRules.AtTier(i.Scheme, i.Policy, i.Group, tier);
                var account = creditedTotal + yearsLeft * amount.Subsidy;
                return new StatementTier(
                    tier,
                    tier,
                    amount.FloorPart,
                    amount.IncentivePart,
                    amount.Subsidy,
                    account,
                    Monthly(account)
                );
            })
            .ToList();
        var atChosen = i.ChosenTier is { } chosen
            ? SubsidyRules.AtTier(i.Scheme, i.Policy, i.Group, chosen).Subsidy
            : 0m;
        var next = tiers.FirstOrDefault(t =>
            (i.ChosenTier is null || t.Tier > i.ChosenTier) && t.Subsidy > atChosen
        );
        return new ResidentStatement(
            i.VillageCode,
            i.Year,
            i.Name,
            i.IdNumber,
            i.Group is { } g ? SpecialGroups.Code(g) : null,
            i.Group is { } named ? SpecialGroups.ChineseName(named) : null,
            i.Exclusion is null,
            i.Exclusion is { } e ? ResultCodes.Of(e) : null,
            i.Exclusion is { } reason ? ResultTexts.Exclusion(reason) : null,
            i.ChosenTier,
            i.CurrentSubsidy,
            next?.Tier,
            next?.Subsidy,
            i.Prorated,
            ThisYear(i),
            tiers,
            i.Credited.OrderBy(c => c.Year).ToList(),
            creditedTotal,
            Monthly(creditedTotal),
            yearsLeft,
            MonthsAt60,
            Formula
        );
    }

    /// <summary>
    /// This year in one sentence, as the resident's own result has it: the tier they paid at and
    /// the subsidy; or what they paid and why it brings no subsidy (a back payment of 300 元 was
    /// paid, only not at a tier of the scheme).
    /// </summary>
    public static string ThisYear(StatementInputs i)
    {
        var paid = i.OwnPayment > 0 ? $"本年个人缴费 {i.OwnPayment:N2} 元" : "本年未缴费";
        if (i.Exclusion is { } reason)
            return $"{paid}，不享受集体补助（{ResultTexts.Exclusion(reason)}）。";
        var at = i.ChosenTier is { } tier ? $"本年按 {tier:N0} 元档缴费" : paid;
        var floor = i.Group is { } g ? $"（含{SpecialGroups.ChineseName(g)}托底补助）" : "";
        var prorated = i.Prorated ? "（预算不足，按比例核减）" : "";
        return $"{at}，集体补助 {i.CurrentSubsidy:N2} 元{floor}{prorated}。";
    }

    /// <summary>Years still to subsidise before the resident turns 60 (the year they turn 59 is the
    /// last), this year included unless already credited.</summary>
    public static int ContributionYearsLeft(string idNumber, int year, bool creditedThisYear)
    {
        var birthYear = int.Parse(
            idNumber.AsSpan(6, 4),
            System.Globalization.CultureInfo.InvariantCulture
        );
        var first = creditedThisYear ? year + 1 : year;
        return Math.Max(0, birthYear + 59 - first + 1);
    }

    public static decimal Monthly(decimal account) =>
        Math.Round(account / MonthsAt60, 2, MidpointRounding.AwayFromZero);
}
