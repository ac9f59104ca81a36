namespace Subsidy.Contracts;

/// <summary>
/// 算清经济账和长远账 (docs/design/11-beyond-paperwork.md, 实施方案 §七(三)): what the collective subsidy is worth
/// to one resident — this year's subsidy at every tier they might choose, what has been credited to
/// their account so far, and the estimated monthly addition to their pension at 60. The calculation
/// works it out with its own rules; the document service prints it.
/// </summary>
public sealed record ResidentStatement(
    string VillageCode,
    int Year,
    string Name,
    string IdNumber,
    string? SpecialGroup,
    string? SpecialGroupName,
    bool Eligible,
    string? Exclusion,
    string? ExclusionName,
    decimal? ChosenTier,
    decimal CurrentSubsidy,
    decimal? NextTier,
    decimal? NextTierSubsidy,
    bool Prorated,
    string ThisYear,
    IReadOnlyList<StatementTier> Tiers,
    IReadOnlyList<CreditedYear> Credited,
    decimal CreditedTotal,
    decimal MonthlyFromCredited,
    int ContributionYearsLeft,
    int MonthsDivisor,
    string Formula
);

/// <summary>One tier a resident might choose: what they pay, what the collective adds, and where it
/// leads by 60.</summary>
public sealed record StatementTier(
    decimal Tier,
    decimal OwnPayment,
    decimal FloorPart,
    decimal IncentivePart,
    decimal Subsidy,
    decimal AccountAt60,
    decimal MonthlyAt60
);

/// <summary>A year's collective subsidy credited to the resident's personal account.</summary>
public sealed record CreditedYear(int Year, string VillageCode, decimal Amount);
