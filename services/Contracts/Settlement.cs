namespace Subsidy.Contracts;

/// <summary>
/// A settlement step of a village-year was taken (DESIGN §6): confirmed, notice published or closed, objection
/// resolved, application submitted, approved or rejected, payment notice issued, paid, credited, suspended or
/// resumed. Carries the village-year as it stands after the step, so the document service can render its
/// documents without reading the calculation's tables; one village's lines are bounded by its membership.
/// </summary>
public sealed record SettlementStepTaken(
    Guid StepId,
    string VillageCode,
    int Year,
    string Step,
    string FromState,
    string State,
    string Actor,
    string ActorRole,
    DateTimeOffset At,
    string? Reason,
    SettlementSnapshot Snapshot);

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
    int Recipients = 0);

/// <summary>One member's result as the documents show it; <see cref="Subsidy"/> includes an upheld objection's adjustment.</summary>
public sealed record SettlementLine(
    string IdNumber,
    string Name,
    SpecialGroup? SpecialGroup,
    decimal? Tier,
    decimal OwnContribution,
    decimal Subsidy,
    string? Exclusion,
    string Flags,
    string? Note);

public sealed record PaymentNoticeInfo(
    string Number,
    string CountyCode,
    decimal Amount,
    DateOnly IssuedOn,
    DateOnly DueOn,
    string? ReceiptNumber,
    DateTimeOffset? PaidAt);
