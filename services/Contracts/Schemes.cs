namespace Subsidy.Contracts;

/// <summary>A policy year's parameters for a region: the province default (region = province code)
/// or a county override.</summary>
public sealed record PolicyYearChanged(
    string RegionCode,
    int Year,
    IReadOnlyList<decimal> Tiers,
    decimal SpecialTier,
    DateOnly ContributionDeadline,
    DateOnly ExportDeadline,
    int NoticeDays,
    decimal Cap,
    long Version
);

public enum PilotStatus
{
    Applied = 1,
    Rejected = 2,
    Active = 3,
    Suspended = 4,
}

/// <summary>A village's pilot participation changed; from <see cref="EffectiveDate"/> a suspended
/// village gets no new subsidy work.</summary>
public sealed record PilotStatusChanged(
    string VillageCode,
    PilotStatus Status,
    DateOnly EffectiveDate,
    string? Reason,
    long Version
);

public enum MembershipBasis
{
    /// <summary>Members listed in the uploaded 集体经济组织成员名册 (the default).</summary>
    Roster = 1,

    /// <summary>Everyone whose contribution record carries the village's code.</summary>
    InsuredInVillage = 2,
}

public enum StackingRule
{
    /// <summary>floor + incentive</summary>
    Sum = 1,

    /// <summary>max(floor, incentive)</summary>
    Max = 2,
}

public enum SchemeTermsSource
{
    /// <summary>Approved by the county bureau for this year.</summary>
    Approved = 1,

    /// <summary>Last year's terms, carried over because no new scheme was approved by 31
    /// December.</summary>
    CarriedOver = 2,
}

public sealed record IncentiveRow(decimal MinTier, decimal Amount);

public sealed record FloorAmount(SpecialGroup Group, decimal Amount);

/// <summary>
/// The terms in force for a village and year: everything the calculation needs, published when a
/// scheme is county-approved or carried over. Budget = collective income + donations managed by the
/// collective. The organisation (村集体经济组织) and its credit code are the payer on the payment notice.
/// </summary>
public sealed record SchemeTermsPublished(
    Guid SchemeId,
    string VillageCode,
    int Year,
    SchemeTermsSource Source,
    MembershipBasis MembershipBasis,
    StackingRule Stacking,
    IReadOnlyList<FloorAmount> Floors,
    IReadOnlyList<IncentiveRow> Incentives,
    decimal Budget,
    long Version,
    string? OrganisationName = null,
    string? CreditCode = null
);
