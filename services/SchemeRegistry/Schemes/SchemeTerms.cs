using Subsidy.Contracts;

namespace SchemeRegistry.Schemes;

public enum DonorKind
{
    /// <summary>其他经济组织</summary>
    Organisation = 1,

    /// <summary>个人（乡贤、致富能手）</summary>
    Individual = 2,

    /// <summary>社会公益组织</summary>
    Charity = 3,
}

public enum DonationManagement
{
    /// <summary>由村集体经济组织管理: counts towards the budget.</summary>
    Collective = 1,

    /// <summary>由企业或个人直接资助缴费: recorded, not budgeted.</summary>
    Direct = 2,
}

public sealed record Donation(
    string Donor,
    DonorKind Kind,
    decimal Amount,
    DonationManagement ManagedBy
);

/// <summary>四议两公开: the dates of the democratic procedure that decided the scheme.</summary>
public sealed record ProcedureRecord(
    DateOnly? ProposedOn,
    DateOnly? FirstDeliberationOn,
    DateOnly? SecondDeliberationOn,
    DateOnly? ResolvedOn,
    DateOnly? PublishedOn
)
{
    public static readonly ProcedureRecord Empty = new(null, null, null, null, null);

    public IEnumerable<(string Field, string Label, DateOnly? Date)> Steps()
    {
        yield return ("procedure.proposedOn", "村党组织提议", ProposedOn);
        yield return ("procedure.firstDeliberationOn", "村“两委”会议商议", FirstDeliberationOn);
        yield return ("procedure.secondDeliberationOn", "党员大会审议", SecondDeliberationOn);
        yield return ("procedure.resolvedOn", "村民会议或村民代表会议决议", ResolvedOn);
        yield return ("procedure.publishedOn", "决议公开", PublishedOn);
    }
}

/// <summary>A scheme's terms (docs/design/02-schemes.md), validated and typed.</summary>
public sealed record SchemeTerms(
    MembershipBasis MembershipBasis,
    StackingRule Stacking,
    IReadOnlyList<FloorAmount> Floors,
    IReadOnlyList<IncentiveRow> Incentives,
    decimal CollectiveIncome,
    IReadOnlyList<Donation> Donations,
    ProcedureRecord Procedure,
    string? OrganisationName,
    string? CreditCode
)
{
    /// <summary>Collective income plus the donations the collective manages; direct donations are
    /// not budgeted.</summary>
    public decimal Budget =>
        CollectiveIncome
        + Donations.Where(d => d.ManagedBy == DonationManagement.Collective).Sum(d => d.Amount);

    /// <summary>Last year's terms for a new draft: the democratic procedure must be held
    /// again.</summary>
    public SchemeTerms ForNewYear() => this with { Procedure = ProcedureRecord.Empty };
}

/// <summary>What a client sends: codes as text so that an unknown one gets a field-level message,
/// not a parse failure.</summary>
public sealed record SchemeTermsInput(
    string? MembershipBasis,
    string? Stacking,
    List<FloorInput>? Floors,
    List<IncentiveInput>? Incentives,
    decimal? CollectiveIncome,
    List<DonationInput>? Donations,
    ProcedureRecord? Procedure,
    string? OrganisationName,
    string? CreditCode
);

public sealed record FloorInput(string? Group, decimal? Amount);

public sealed record IncentiveInput(decimal? MinTier, decimal? Amount);

public sealed record DonationInput(string? Donor, string? Kind, decimal? Amount, string? ManagedBy);
