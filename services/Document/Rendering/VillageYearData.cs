using Subsidy.Contracts;

namespace Document.Rendering;

/// <summary>What the village-year documents show, taken from the settlement event and the division
/// names.</summary>
public sealed record VillageYearData(
    string VillageCode,
    string TownshipName,
    string VillageName,
    int Year,
    string Organisation,
    DateOnly IssuedOn,
    DateOnly? NoticeStart,
    DateOnly? NoticeEnd,
    IReadOnlyList<SettlementLine> Lines,
    string? CreditCode = null,
    decimal Budget = 0,
    string CountyName = "",
    PaymentNoticeInfo? PaymentNotice = null,
    SettlementTotals? Totals = null
)
{
    /// <summary>Those the collective pays for, in ID-number order.</summary>
    public IReadOnlyList<SettlementLine> Recipients =>
        Lines.Where(l => l.Subsidy > 0).OrderBy(l => l.IdNumber, StringComparer.Ordinal).ToList();

    /// <summary>How many the collective pays for: as the step stated it, so the one-page forms need
    /// no member list.</summary>
    public int RecipientCount => Totals?.Recipients ?? Recipients.Count;

    public decimal Total => Totals?.Amount ?? Recipients.Sum(l => l.Subsidy);

    public static string Identity(SpecialGroup? group) =>
        group is { } g ? SpecialGroups.ChineseName(g) : "普通参保人员";
}

/// <summary>A village-year's recipients and amount as the settlement step stated them.</summary>
public sealed record SettlementTotals(int Recipients, decimal Amount);
