namespace Subsidy.Contracts;

/// <summary>
/// A settlement step of a village-year was taken (docs/design/05-settlement.md): confirmed, notice
/// published or closed, objection resolved, application submitted, approved or rejected, payment
/// notice issued, paid, credited, suspended or resumed. Carries the village-year as it stands after
/// the step, so the document service can render its documents without reading the calculation's
/// tables; one village's lines are bounded by its membership.
/// <see cref="At"/> is the step's business instant (docs/design/01-purpose-and-reference-data.md);
/// <see cref="Sequence"/> orders a village-year's steps as they were committed (it only grows), so
/// a consumer keeps the latest even when events arrive out of order.
/// </summary>
public sealed record SettlementStepTaken(
    Guid StepId,
    string VillageCode,
    int Year,
    SettlementStep Step,
    SettlementState FromState,
    SettlementState State,
    string Actor,
    string ActorRole,
    DateTimeOffset At,
    string? Reason,
    SettlementSnapshot Snapshot,
    long Sequence = 0
);

public sealed record SettlementSnapshot(
    Guid? RunId,
    string? OrganisationName,
    string? CreditCode,
    decimal Budget,
    DateOnly? NoticeStart,
    DateOnly? NoticeEnd,
    int Members,
    int Eligible,
    decimal Total,
    PaymentNoticeInfo? PaymentNotice,
    IReadOnlyList<SettlementLine> Lines,
    int Recipients = 0
);

/// <summary>
/// One member's result as the documents show it; <see cref="Subsidy"/> includes an upheld
/// objection's adjustment.
/// <see cref="Exclusion"/> and <see cref="Flags"/> are the codes of docs/design/04-calculation.md
/// (<c>PAID_AFTER_DEADLINE</c>, <c>TIER_MISMATCH</c>).
/// </summary>
public sealed record SettlementLine(
    string IdNumber,
    string Name,
    SpecialGroup? SpecialGroup,
    decimal? Tier,
    decimal OwnContribution,
    decimal Subsidy,
    string? Exclusion,
    IReadOnlyList<string> Flags,
    string? Note
);

/// <param name="PaidAmount">What the tax bureau received: the notice's amount, or the amount of a
/// discrepancy the county accepted.</param>
public sealed record PaymentNoticeInfo(
    string Number,
    string CountyCode,
    decimal Amount,
    DateOnly IssuedOn,
    DateOnly DueOn,
    string? ReceiptNumber,
    DateTimeOffset? PaidAt,
    decimal? PaidAmount = null
)
{
    /// <summary>
    /// The one figure of what was paid, which the calculation's summaries and the printed 汇总表 both
    /// show: nothing before a receipt; then the amount received (an event written before it was
    /// carried falls back on the notice's).
    /// </summary>
    public decimal Paid => ReceiptNumber is null ? 0m : PaidAmount ?? Amount;
}
