namespace Subsidy.Contracts;

// The tax-bureau contract (docs/design/07-tax-bureau.md), documented with examples in
// docs/integration/tax-bureau.md. Version 1. Fields are only ever added, with defaults; a change of
// meaning is a new message type (…V2).

/// <summary>
/// Published when the county issues a payment notice (缴费通知单): the collective will pay it at the tax
/// bureau. Lines are the members credited with the subsidy (amount &gt; 0); they add up to <see
/// cref="Amount"/>.
/// </summary>
public sealed record PaymentRequested(
    string NoticeNumber,
    string VillageCode,
    string CountyCode,
    int Year,
    string Payer,
    string? CreditCode,
    decimal Amount,
    DateOnly DueOn,
    IReadOnlyList<PaymentLine> Lines,
    int ContractVersion = 1
);

public sealed record PaymentLine(string IdNumber, string Name, decimal Amount);

/// <summary>The tax bureau received a payment for a notice; the receipt number is unique per
/// payment.</summary>
public sealed record PaymentReceived(
    string NoticeNumber,
    decimal Amount,
    DateTimeOffset PaidAt,
    string ReceiptNumber,
    int ContractVersion = 1
);

/// <summary>The tax bureau refused to collect a notice (e.g. the payer's account is closed); the
/// reason is shown to the county.</summary>
public sealed record PaymentRejected(
    string NoticeNumber,
    string Reason,
    DateTimeOffset RejectedAt,
    int ContractVersion = 1
);
