namespace Subsidy.Contracts;

/// <summary>
/// The steps of a village-year's settlement (docs/design/05-settlement.md) as they cross services, spelt by <see cref="EnumCodes"/>
/// ("publish-notice"). The first twelve are taken by people through the workflow; <see cref="Suspend"/>,
/// <see cref="Resume"/> and <see cref="PaymentRejected"/> follow the registry and the tax bureau.
/// </summary>
public enum SettlementStep
{
    Confirm, PublishNotice, FileObjection, ResolveObjection, CloseNotice, SubmitApplication, Approve, Reject,
    IssuePaymentNotice, RecordPayment, Credit, Recalculate, Suspend, Resume, PaymentRejected,
}

/// <summary>Where a village-year stands (docs/design/05-settlement.md), in order; spelt by <see cref="EnumCodes"/> ("notice-published").</summary>
public enum SettlementState
{
    WaitingForInputs, Suspended, Calculated, Confirmed, NoticePublished, NoticeClosed, ApplicationSubmitted, Approved,
    PaymentNoticeIssued, Paid, Credited,
}
