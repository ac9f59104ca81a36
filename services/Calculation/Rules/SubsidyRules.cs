using Subsidy.Contracts;

namespace Calculation.Rules;

/// <summary>Why a member gets no subsidy (first match, in this order) —
/// docs/design/04-calculation.md.</summary>
public enum ExclusionReason
{
    NoContribution = 1,
    PaidAfterDeadline = 2,
    LumpSumBackPayment = 3,
    ReceivingBenefits = 4,
    DuplicateMembership = 5,
}

[Flags]
public enum ResultFlags
{
    None = 0,
    TierMismatch = 1,
    Capped = 2,
    BelowSchemeThreshold = 4,
    BudgetProrated = 8,
}

/// <summary>The year's parameters the rules need; the cap (the year's highest tier) comes with the
/// policy year.</summary>
public sealed record PolicyInput(
    int Year,
    IReadOnlyList<decimal> Tiers,
    decimal SpecialTier,
    DateOnly ContributionDeadline,
    decimal Cap
);

/// <summary>
/// What other villages and earlier years say about the village's people: who is also in another
/// village's roster this year (rule 5), and who made a 一次性补缴 according to this year's or an earlier
/// year's export, in any village (rule 3).
/// </summary>
public sealed record Elsewhere(
    IReadOnlySet<string> MembersOfOtherVillages,
    IReadOnlySet<string> LumpSumPayers
)
{
    public static readonly Elsewhere Nobody = new(new HashSet<string>(), new HashSet<string>());
}

/// <summary>The scheme's terms the rules need.</summary>
public sealed record SchemeInput(
    MembershipBasis MembershipBasis,
    StackingRule Stacking,
    IReadOnlyList<FloorAmount> Floors,
    IReadOnlyList<IncentiveRow> Incentives,
    decimal Budget
);

public sealed record Member(string IdNumber, string Name, SpecialGroup? RosterGroup);

/// <summary>A subsidy at one tier: the scheme's floor and incentive, and the parts actually paid
/// after the cap.</summary>
public sealed record TierAmount(
    decimal Floor,
    decimal Incentive,
    decimal FloorPart,
    decimal IncentivePart,
    bool Capped
)
{
    public decimal Subsidy => FloorPart + IncentivePart;
}

public sealed record MemberResult(
    string IdNumber,
    string Name,
    ExclusionReason? Exclusion,
    decimal OwnContribution,
    decimal? Tier,
    SpecialGroup? Group,
    decimal Floor,
    decimal Incentive,
    decimal FloorPart,
    decimal IncentivePart,
    ResultFlags Flags
)
{
    public decimal Subsidy => FloorPart + IncentivePart;
}

/// <summary>
/// The subsidy rules of docs/design/04-calculation.md as one pure function: a scheme, a policy
/// year, a village's members and their contribution records in; one result per member out, ordered
/// by ID number, the same bytes for the same inputs.
/// </summary>
public static class SubsidyRules
{
    public static IReadOnlyList<MemberResult> Calculate(
        SchemeInput scheme,
        PolicyInput policy,
        IReadOnlyList<Member> roster,
        IReadOnlyList<ContributionRecord> records,
        Elsewhere elsewhere
    )
    {
        var byPerson = records
            .GroupBy(r => r.IdNumber, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var members =
            scheme.MembershipBasis == MembershipBasis.Roster
                ? roster
                : records
                    .GroupBy(r => r.IdNumber, StringComparer.Ordinal)
                    .Select(g => new Member(g.Key, g.OrderBy(r => r.RowNumber).First().Name, null))
                    .ToList();

        var results = members
            .DistinctBy(m => m.IdNumber, StringComparer.Ordinal)
            .OrderBy(m => m.IdNumber, StringComparer.Ordinal)
            .Select(m =>
                ForMember(
                    m,
                    byPerson.GetValueOrDefault(m.IdNumber) ?? [],
                    scheme,
                    policy,
                    elsewhere
                )
            )
            .ToList();
        return ApplyBudget(results, scheme.Budget);
    }

    /// <summary>
    /// One member's result. Rules 1, 2 and the own contribution count only the 正常缴费 records of the
    /// year itself; rule 3 looks at every 一次性补缴 record, whatever year it pays for, in this export
    /// or an earlier one.
    /// </summary>
    public static MemberResult ForMember(
        Member member,
        IReadOnlyList<ContributionRecord> records,
        SchemeInput scheme,
        PolicyInput policy,
        Elsewhere elsewhere
    )
    {
        bool Counts(ContributionRecord r) =>
            r.Year == policy.Year
            && r.Type == PaymentType.Normal
            && r.Item is ContributionItem.Personal or ContributionItem.GovernmentOnBehalf;

        var counting = records.Where(Counts).ToList();
        var inTime = counting.Where(r => r.PaidOn <= policy.ContributionDeadline).ToList();
        var own = inTime.Where(r => r.Item == ContributionItem.Personal).Sum(r => r.Amount);
        var group = GroupOf(member, records, policy.Year);

        ExclusionReason? exclusion =
            counting.Count == 0 ? ExclusionReason.NoContribution
            : inTime.Count == 0 ? ExclusionReason.PaidAfterDeadline
            : records.Any(r => r.Type == PaymentType.LumpSum)
            || elsewhere.LumpSumPayers.Contains(member.IdNumber)
                ? ExclusionReason.LumpSumBackPayment
            : records.Any(r => r.ReceivingBenefits) ? ExclusionReason.ReceivingBenefits
            : elsewhere.MembersOfOtherVillages.Contains(member.IdNumber)
                ? ExclusionReason.DuplicateMembership
            : null;
        if (exclusion is not null)
        {
            return new MemberResult(
                member.IdNumber,
                member.Name,
                exclusion,
                own,
                null,
                group,
                0,
                0,
                0,
                0,
                ResultFlags.None
            );
        }

        var tiers = policy.Tiers.Order().ToList();
        decimal? tier =
            tiers.LastOrDefault(t => t <= own) is var highest && highest > 0 ? highest
            : inTime.Any(r => r.Item == ContributionItem.GovernmentOnBehalf) ? policy.SpecialTier
            : null;
        var flags = own > 0 && !tiers.Contains(own) ? ResultFlags.TierMismatch : ResultFlags.None;

        var amount = AtTier(scheme, policy, group, tier);
        if (amount.Capped)
            flags |= ResultFlags.Capped;
        if (amount.Subsidy == 0)
            flags |= ResultFlags.BelowSchemeThreshold;
        return new MemberResult(
            member.IdNumber,
            member.Name,
            null,
            own,
            tier,
            group,
            amount.Floor,
            amount.Incentive,
            amount.FloorPart,
            amount.IncentivePart,
            flags
        );
    }

    /// <summary>
    /// An eligible member's subsidy at a tier, before any budget proration: floor = the scheme's
    /// amount for the group; incentive = the highest incentive row whose tier ≤ the tier (none →
    /// 0); subsidy = floor + incentive (<c>sum</c>) or the larger of the two (<c>max</c>), capped
    /// at the year's cap; its floor part is min(floor, subsidy), the rest its incentive part. The
    /// 算清经济账 statement asks this for every tier a resident might choose.
    /// </summary>
    public static TierAmount AtTier(
        SchemeInput scheme,
        PolicyInput policy,
        SpecialGroup? group,
        decimal? tier
    )
    {
        var floor = group is { } g
            ? scheme.Floors.Where(f => f.Group == g).Select(f => f.Amount).FirstOrDefault()
            : 0m;
        var incentive = tier is { } t
            ? scheme
                .Incentives.Where(r => r.MinTier <= t)
                .OrderBy(r => r.MinTier)
                .Select(r => r.Amount)
                .LastOrDefault()
            : 0m;
        var subsidy =
            scheme.Stacking == StackingRule.Sum ? floor + incentive : Math.Max(floor, incentive);
        var capped = subsidy > policy.Cap;
        if (capped)
            subsidy = policy.Cap;
        var floorPart = Math.Min(floor, subsidy);
        return new TierAmount(floor, incentive, floorPart, subsidy - floorPart, capped);
    }

    /// <summary>The person's group from the 参保身份 of their records (the latest-paid when they
    /// differ), else the roster's.</summary>
    public static SpecialGroup? GroupOf(
        Member member,
        IReadOnlyList<ContributionRecord> records,
        int year
    )
    {
        var withIdentity = records.Where(r => r.Year == year && r.Identity is not null).ToList();
        if (withIdentity.Count == 0)
            return member.RosterGroup;
        return withIdentity.OrderBy(r => r.PaidOn).ThenBy(r => r.RowNumber).Last().SpecialGroup;
    }

    /// <summary>
    /// When the total exceeds the budget B, floors are served first: with F the floor parts and I
    /// the incentive parts, each incentive part i becomes ⌊i × (B − F) / I⌋ to the fen; if F alone
    /// exceeds B, each floor part f becomes ⌊f × B / F⌋ and incentives become 0. Multiplying before
    /// dividing keeps the total within B.
    /// </summary>
    public static IReadOnlyList<MemberResult> ApplyBudget(
        IReadOnlyList<MemberResult> results,
        decimal budget
    )
    {
        var total = results.Sum(r => r.Subsidy);
        if (total <= budget)
            return results;
        var floors = results.Sum(r => r.FloorPart);
        var incentives = results.Sum(r => r.IncentivePart);
        if (floors <= budget)
        {
            return results
                .Select(r =>
                    r.IncentivePart == 0
                        ? r
                        : r with
                        {
                            IncentivePart = ToFen(r.IncentivePart * (budget - floors) / incentives),
                            Flags = r.Flags | ResultFlags.BudgetProrated,
                        }
                )
                .ToList();
        }
        return results
            .Select(r =>
                r.Subsidy == 0
                    ? r
                    : r with
                    {
                        FloorPart = ToFen(r.FloorPart * budget / floors),
                        IncentivePart = 0,
                        Flags = r.Flags | ResultFlags.BudgetProrated,
                    }
            )
            .ToList();
    }

    private static decimal ToFen(decimal amount) => Math.Floor(amount * 100) / 100;
}
