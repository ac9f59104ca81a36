namespace Subsidy.Contracts;

/// <summary>
/// The steps of a village-year's settlement (docs/design/05-settlement.md) as they cross services,
/// spelt by
/// <see cref="EnumCodes"/> ("publish-notice"). The first twelve are taken by people through the
/// workflow;
/// <see cref="Suspend"/>, <see cref="Resume"/> and <see cref="PaymentRejected"/> follow the
/// registry and the tax bureau.
/// </summary>
public enum SettlementStep
{
    Confirm,
    PublishNotice,
    FileObjection,
    ResolveObjection,
    CloseNotice,
    SubmitApplication,
    Approve,
    Reject,
    IssuePaymentNotice,
    RecordPayment,
    Credit,
    Recalculate,
    Suspend,
    Resume,
    PaymentRejected,
}

/// <summary>
/// Where a village-year stands (docs/design/05-settlement.md), in order; spelt by <see
/// cref="EnumCodes"/> ("notice-published").
/// </summary>
public enum SettlementState
{
    WaitingForInputs,
    Suspended,
    Calculated,
    Confirmed,
    NoticePublished,
    NoticeClosed,
    ApplicationSubmitted,
    Approved,
    PaymentNoticeIssued,
    Paid,
    Credited,
}

/// <summary>
/// The Chinese name of each <see cref="SettlementState"/>: the one wording of a state in the
/// services' messages, the API's stateName and the portal's lists, so that none of them can drift
/// from the others.
/// </summary>
public static class SettlementStateNames
{
    public static string ChineseName(SettlementState state) =>
        state switch
        {
            SettlementState.WaitingForInputs => "等待数据",
            SettlementState.Suspended => "试点已暂停",
            SettlementState.Calculated => "已测算",
            SettlementState.Confirmed => "村已确认",
            SettlementState.NoticePublished => "公示中",
            SettlementState.NoticeClosed => "公示结束",
            SettlementState.ApplicationSubmitted => "已提交申报表",
            SettlementState.Approved => "县社保中心已审核",
            SettlementState.PaymentNoticeIssued => "已出具缴费通知单",
            SettlementState.Paid => "已缴费",
            SettlementState.Credited => "已到账",
            _ => EnumCodes.Of(state),
        };

    /// <summary>
    /// The name of the state with this code ("notice-published"); a code of no state is shown as it
    /// is.
    /// </summary>
    public static string ChineseName(string? code) =>
        EnumCodes.TryParse<SettlementState>(code, out var state) ? ChineseName(state) : code ?? "";
}
