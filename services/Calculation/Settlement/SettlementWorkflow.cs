using Subsidy.Contracts;
using Subsidy.ServiceDefaults.Auth;

namespace Calculation.Settlement;

/// <summary>
/// Where a village-year stands (docs/design/05-settlement.md), as its table and the API spell it:
/// each the code of a
/// <see cref="SettlementState"/> (a unit test holds the two together), constants so that rules and
/// SQL can match on them. Their Chinese names are <see cref="SettlementStateNames"/>.
/// </summary>
public static class SettlementStates
{
    public const string WaitingForInputs = "waiting-for-inputs";
    public const string Suspended = "suspended";
    public const string Calculated = "calculated";
    public const string Confirmed = "confirmed";
    public const string NoticePublished = "notice-published";
    public const string NoticeClosed = "notice-closed";
    public const string ApplicationSubmitted = "application-submitted";
    public const string Approved = "approved";
    public const string PaymentNoticeIssued = "payment-notice-issued";
    public const string Paid = "paid";
    public const string Credited = "credited";

    /// <summary>
    /// Before the village confirms, a changed input recalculates; from confirmation on it marks the
    /// result stale.
    /// </summary>
    public static bool Recalculates(string state) => state is WaitingForInputs or Calculated;
}

/// <summary>Where a step may start, where it leads (null: the state stays), and who may take
/// it.</summary>
public sealed record StepRule(IReadOnlyList<string> From, string? To, IReadOnlyList<string> Roles);

/// <summary>公示 dates: the notice runs <c>days</c> days from its start, the start day
/// included.</summary>
public static class NoticePeriod
{
    public static DateOnly End(DateOnly start, int days) => start.AddDays(days - 1);

    /// <summary>Null when the notice may close today; otherwise why not.</summary>
    public static string? WhyStillOpen(DateOnly end, DateOnly today, int openObjections) =>
        today <= end ? $"公示期至 {end:yyyy年M月d日}，尚未结束，不能结束公示。"
        : openObjections > 0 ? $"还有 {openObjections} 件异议未处理，须全部处理后才能结束公示。"
        : null;
}

/// <summary>Which step may be taken from which state, by whom. Pure.</summary>
public static class SettlementWorkflow
{
    /// <summary>
    /// A stale result can be recalculated until the county issues the payment notice; after that
    /// the amount is owed.
    /// </summary>
    private static readonly string[] Recalculable =
    [
        SettlementStates.Confirmed,
        SettlementStates.NoticePublished,
        SettlementStates.NoticeClosed,
        SettlementStates.ApplicationSubmitted,
        SettlementStates.Approved,
    ];

    /// <summary>
    /// The steps people take through this workflow; the others follow the registry and the tax
    /// bureau.
    /// </summary>
    public static readonly IReadOnlyList<SettlementStep> Actions =
    [
        SettlementStep.Confirm,
        SettlementStep.PublishNotice,
        SettlementStep.FileObjection,
        SettlementStep.ResolveObjection,
        SettlementStep.CloseNotice,
        SettlementStep.SubmitApplication,
        SettlementStep.Approve,
        SettlementStep.Reject,
        SettlementStep.IssuePaymentNotice,
        SettlementStep.RecordPayment,
        SettlementStep.Credit,
        SettlementStep.Recalculate,
    ];

    public static StepRule Rule(SettlementStep action) =>
        action switch
        {
            SettlementStep.Confirm => new(
                [SettlementStates.Calculated],
                SettlementStates.Confirmed,
                [Roles.VillageClerk]
            ),
            SettlementStep.PublishNotice => new(
                [SettlementStates.Confirmed],
                SettlementStates.NoticePublished,
                [Roles.VillageClerk]
            ),
            SettlementStep.FileObjection => new(
                [SettlementStates.NoticePublished],
                null,
                [Roles.VillageClerk, Roles.TownshipOfficer]
            ),
            SettlementStep.ResolveObjection => new(
                [SettlementStates.NoticePublished],
                null,
                [Roles.TownshipOfficer]
            ),
            SettlementStep.CloseNotice => new(
                [SettlementStates.NoticePublished],
                SettlementStates.NoticeClosed,
                [Roles.VillageClerk]
            ),
            SettlementStep.SubmitApplication => new(
                [SettlementStates.NoticeClosed],
                SettlementStates.ApplicationSubmitted,
                [Roles.VillageClerk]
            ),
            SettlementStep.Approve => new(
                [SettlementStates.ApplicationSubmitted],
                SettlementStates.Approved,
                [Roles.CountyCentre]
            ),
            SettlementStep.Reject => new(
                [SettlementStates.ApplicationSubmitted],
                SettlementStates.NoticeClosed,
                [Roles.CountyCentre]
            ),
            SettlementStep.IssuePaymentNotice => new(
                [SettlementStates.Approved],
                SettlementStates.PaymentNoticeIssued,
                [Roles.CountyCentre]
            ),
            SettlementStep.RecordPayment => new(
                [SettlementStates.PaymentNoticeIssued],
                SettlementStates.Paid,
                [Roles.CountyCentre]
            ),
            SettlementStep.Credit => new(
                [SettlementStates.Paid],
                SettlementStates.Credited,
                [Roles.CountyCentre]
            ),
            SettlementStep.Recalculate => new(
                Recalculable,
                SettlementStates.WaitingForInputs,
                [Roles.VillageClerk, Roles.CountyCentre]
            ),
            _ => throw new ArgumentOutOfRangeException(nameof(action)),
        };

    public static string ActionName(SettlementStep action) =>
        action switch
        {
            SettlementStep.Confirm => "村确认",
            SettlementStep.PublishNotice => "发布公示",
            SettlementStep.FileObjection => "登记异议",
            SettlementStep.ResolveObjection => "处理异议",
            SettlementStep.CloseNotice => "结束公示",
            SettlementStep.SubmitApplication => "提交申报表",
            SettlementStep.Approve => "审核通过",
            SettlementStep.Reject => "退回申报",
            SettlementStep.IssuePaymentNotice => "出具缴费通知单",
            SettlementStep.RecordPayment => "登记缴费",
            SettlementStep.Credit => "登记到账",
            SettlementStep.Recalculate => "重新测算",
            SettlementStep.Suspend => "暂停试点",
            SettlementStep.Resume => "恢复试点",
            SettlementStep.PaymentRejected => "税务退回缴费",
            _ => action.ToString(),
        };

    public static Refusal? WhyNot(
        SettlementStep action,
        string state,
        bool stale,
        Caller caller,
        string villageCode
    )
    {
        var rule = Rule(action);
        if (!rule.Roles.Any(role => caller.HasRole(role)))
        {
            return Refusal.WrongRole(ActionName(action), rule.Roles, caller);
        }
        if (!caller.Covers(villageCode))
            return Refusal.OutOfScope(caller, villageCode);
        if (state == SettlementStates.Suspended)
        {
            return Refusal.Conflict($"该村集体补助试点已暂停，暂停期间不能{ActionName(action)}。");
        }
        if (!rule.From.Contains(state))
        {
            return Refusal.Conflict(
                $"当前状态为“{SettlementStateNames.ChineseName(state)}”，不能{ActionName(action)}。"
            );
        }
        if (action == SettlementStep.Recalculate)
        {
            return stale ? null : Refusal.Conflict("测算所用数据未发生变化，无需重新测算。");
        }
        if (stale)
            return Refusal.Conflict("测算结果已因数据变化而过期，须先重新测算后再办理。");
        return null;
    }
}
