using Subsidy.Contracts;

namespace SchemeRegistry.Schemes;

/// <summary>The textual codes clients use for the scheme's enumerations, in English (API) or
/// Chinese (forms).</summary>
public static class Codes
{
    public static readonly IReadOnlyDictionary<string, SpecialGroup> Groups = new Dictionary<
        string,
        SpecialGroup
    >(StringComparer.OrdinalIgnoreCase)
    {
        ["dibao"] = SpecialGroup.Dibao,
        ["低保对象"] = SpecialGroup.Dibao,
        ["低保户"] = SpecialGroup.Dibao,
        ["tekun"] = SpecialGroup.Tekun,
        ["特困人员"] = SpecialGroup.Tekun,
        ["severe-disability"] = SpecialGroup.SevereDisability,
        ["重度残疾人"] = SpecialGroup.SevereDisability,
        ["wubao"] = SpecialGroup.Wubao,
        ["五保户"] = SpecialGroup.Wubao,
        ["poverty-monitoring"] = SpecialGroup.PovertyMonitoring,
        ["脱贫/防止返贫监测对象"] = SpecialGroup.PovertyMonitoring,
        ["脱贫监测户"] = SpecialGroup.PovertyMonitoring,
    };

    public static readonly IReadOnlyDictionary<string, MembershipBasis> Memberships =
        new Dictionary<string, MembershipBasis>(StringComparer.OrdinalIgnoreCase)
        {
            ["roster"] = MembershipBasis.Roster,
            ["成员名册"] = MembershipBasis.Roster,
            ["insured-in-village"] = MembershipBasis.InsuredInVillage,
            ["本村参保人员"] = MembershipBasis.InsuredInVillage,
        };

    public static readonly IReadOnlyDictionary<string, StackingRule> Stackings = new Dictionary<
        string,
        StackingRule
    >(StringComparer.OrdinalIgnoreCase)
    {
        ["sum"] = StackingRule.Sum,
        ["叠加"] = StackingRule.Sum,
        ["max"] = StackingRule.Max,
        ["就高"] = StackingRule.Max,
    };

    public static readonly IReadOnlyDictionary<string, DonorKind> DonorKinds = new Dictionary<
        string,
        DonorKind
    >(StringComparer.OrdinalIgnoreCase)
    {
        ["organisation"] = DonorKind.Organisation,
        ["经济组织"] = DonorKind.Organisation,
        ["individual"] = DonorKind.Individual,
        ["个人"] = DonorKind.Individual,
        ["乡贤"] = DonorKind.Individual,
        ["致富能手"] = DonorKind.Individual,
        ["charity"] = DonorKind.Charity,
        ["社会公益组织"] = DonorKind.Charity,
    };

    public static readonly IReadOnlyDictionary<string, DonationManagement> Managements =
        new Dictionary<string, DonationManagement>(StringComparer.OrdinalIgnoreCase)
        {
            ["collective"] = DonationManagement.Collective,
            ["集体管理"] = DonationManagement.Collective,
            ["direct"] = DonationManagement.Direct,
            ["直接资助"] = DonationManagement.Direct,
        };

    public static SchemeTermsInput ToInput(SchemeTerms terms) =>
        new(
            EnumCodes.Of(terms.MembershipBasis),
            EnumCodes.Of(terms.Stacking),
            terms.Floors.Select(f => new FloorInput(EnumCodes.Of(f.Group), f.Amount)).ToList(),
            terms.Incentives.Select(i => new IncentiveInput(i.MinTier, i.Amount)).ToList(),
            terms.CollectiveIncome,
            terms
                .Donations.Select(d => new DonationInput(
                    d.Donor,
                    EnumCodes.Of(d.Kind),
                    d.Amount,
                    EnumCodes.Of(d.ManagedBy)
                ))
                .ToList(),
            terms.Procedure,
            terms.OrganisationName,
            terms.CreditCode
        );
}
