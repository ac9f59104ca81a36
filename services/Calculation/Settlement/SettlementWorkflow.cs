using Subsidy.ServiceDefaults.Auth;

namespace Calculation.Settlement;

/// <summary>The settlement steps of a village-year (DESIGN §6), in order.</summary>
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

    /// <summary>Before the village confirms, a changed input recalculates; from confirmation on it marks the result stale.</summary>
    public static bool Recalculates(string state) => state is WaitingForInputs or Calculated;

    public static string ChineseName(string state) => state switch
    {
        WaitingForInputs => "等待数据",
        Suspended => "试点已暂停",
        Calculated => "已测算",
        Confirmed => "村已确认",
        NoticePublished => "公示中",
        NoticeClosed => "公示结束",
        ApplicationSubmitted => "已提交申报表",
        Approved => "县社保中心已审核",
        PaymentNoticeIssued => "已出具缴费通知单",
        Paid => "已缴费",
        Credited => "已到账",
        _ => state,
    };
}

public enum SettlementAction
{
    Confirm, PublishNotice, FileObjection, ResolveObjection, CloseNotice, SubmitApplication, Approve, Reject,
    IssuePaymentNotice, RecordPayment, Credit, Recalculate,
}

/// <summary>Where a step may start, where it leads (null: the state stays), and who may take it.</summary>
public sealed record StepRule(IReadOnlyList<string> From, string? To, IReadOnlyList<string> Roles);

public sealed record SettlementRefusal(int StatusCode, string Message);

/// <summary>公示 dates: the notice runs <c>days</c> days from its start, the start day included.</summary>
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
    /// <summary>A stale result can be recalculated until the county issues the payment notice; after that the amount is owed.</summary>
    private static readonly string[] Recalculable =
        [SettlementStates.Confirmed, SettlementStates.NoticePublished, SettlementStates.NoticeClosed, SettlementStates.ApplicationSubmitted, SettlementStates.Approved];

    public static StepRule Rule(SettlementAction action) => action switch
    {
        SettlementAction.Confirm => new([SettlementStates.Calculated], SettlementStates.Confirmed, [Roles.VillageClerk]),
        SettlementAction.PublishNotice => new([SettlementStates.Confirmed], SettlementStates.NoticePublished, [Roles.VillageClerk]),
        SettlementAction.FileObjection => new([SettlementStates.NoticePublished], null, [Roles.VillageClerk, Roles.TownshipOfficer]),
        SettlementAction.ResolveObjection => new([SettlementStates.NoticePublished], null, [Roles.TownshipOfficer]),
        SettlementAction.CloseNotice => new([SettlementStates.NoticePublished], SettlementStates.NoticeClosed, [Roles.VillageClerk]),
        SettlementAction.SubmitApplication => new([SettlementStates.NoticeClosed], SettlementStates.ApplicationSubmitted, [Roles.VillageClerk]),
        SettlementAction.Approve => new([SettlementStates.ApplicationSubmitted], SettlementStates.Approved, [Roles.CountyCentre]),
        SettlementAction.Reject => new([SettlementStates.ApplicationSubmitted], SettlementStates.NoticeClosed, [Roles.CountyCentre]),
        SettlementAction.IssuePaymentNotice => new([SettlementStates.Approved], SettlementStates.PaymentNoticeIssued, [Roles.CountyCentre]),
        SettlementAction.RecordPayment => new([SettlementStates.PaymentNoticeIssued], SettlementStates.Paid, [Roles.CountyCentre]),
        SettlementAction.Credit => new([SettlementStates.Paid], SettlementStates.Credited, [Roles.CountyCentre]),
        SettlementAction.Recalculate => new(Recalculable, SettlementStates.WaitingForInputs, [Roles.VillageClerk, Roles.CountyCentre]),
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };

    public static string ActionName(SettlementAction action) => action switch
    {
        SettlementAction.Confirm => "村确认",
        SettlementAction.PublishNotice => "发布公示",
        SettlementAction.FileObjection => "登记异议",
        SettlementAction.ResolveObjection => "处理异议",
        SettlementAction.CloseNotice => "结束公示",
        SettlementAction.SubmitApplication => "提交申报表",
        SettlementAction.Approve => "审核通过",
        SettlementAction.Reject => "退回申报",
        SettlementAction.IssuePaymentNotice => "出具缴费通知单",
        SettlementAction.RecordPayment => "登记缴费",
        SettlementAction.Credit => "登记到账",
        SettlementAction.Recalculate => "重新测算",
        _ => action.ToString(),
    };

    public static SettlementRefusal? WhyNot(SettlementAction action, string state, bool stale, Caller caller, string villageCode)
    {
        var rule = Rule(action);
        if (!rule.Roles.Any(role => caller.HasRole(role)))
        {
            var who = string.Join("或", rule.Roles.Select(Roles.DisplayName));
            return new SettlementRefusal(403, $"{ActionName(action)}须由{who}办理，当前角色为{Roles.DisplayName(caller.Role)}。");
        }
        if (!caller.Covers(villageCode)) return new SettlementRefusal(403, $"区划 {villageCode} 不在您的管辖范围（{caller.Scope}）内。");
        if (state == SettlementStates.Suspended) return new SettlementRefusal(409, $"该村集体补助试点已暂停，暂停期间不能{ActionName(action)}。");
        if (!rule.From.Contains(state)) return new SettlementRefusal(409, $"当前状态为“{SettlementStates.ChineseName(state)}”，不能{ActionName(action)}。");
        if (action == SettlementAction.Recalculate)
        {
            return stale ? null : new SettlementRefusal(409, "测算所用数据未发生变化，无需重新测算。");
        }
        if (stale) return new SettlementRefusal(409, "测算结果已因数据变化而过期，须先重新测算后再办理。");
        return null;
    }
}
