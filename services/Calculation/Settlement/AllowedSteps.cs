using Subsidy.Contracts;
using Subsidy.ServiceDefaults.Auth;

namespace Calculation.Settlement;

/// <summary>Which settlement steps the caller may take from where the village-year stands, by the
/// workflow's own rules (<see cref="SettlementWorkflow"/>, <see cref="NoticePeriod"/>). Pure.</summary>
public static class AllowedSteps
{
    private sealed record Offered(
        SettlementStep Step,
        string Label,
        string Path,
        string? Confirm,
        string? Asks = null,
        bool Danger = false
    );

    // The steps taken from the village-year's page, in the order of the settlement. Objections are
    // filed and resolved from a member's row, not offered here.
    private static readonly Offered[] Steps =
    [
        new(
            SettlementStep.Confirm,
            "确认测算结果",
            "confirm",
            "确认后数据变化将不再自动重新测算，并生成花名册。确定确认吗？"
        ),
        new(
            SettlementStep.PublishNotice,
            "发布公示",
            "notice",
            "公示自今天开始，按年度政策参数的天数公示。确定发布吗？"
        ),
        new(
            SettlementStep.CloseNotice,
            "结束公示",
            "notice/close",
            "公示期满且异议全部处理后方可结束公示。确定结束吗？"
        ),
        new(
            SettlementStep.SubmitApplication,
            "提交申报表",
            "application",
            "提交后由县社保中心审核。确定提交吗？"
        ),
        new(SettlementStep.Approve, "审核通过", "approval", "确定审核通过该村申报吗？"),
        new(SettlementStep.Reject, "退回申报", "rejection", null, Asks: "reason", Danger: true),
        new(
            SettlementStep.IssuePaymentNotice,
            "出具缴费通知单",
            "payment-notice",
            "出具后将编号并通知税务部门征收，不能撤回。确定出具吗？"
        ),
        new(SettlementStep.RecordPayment, "登记缴费", "payment", null, Asks: "payment"),
        new(
            SettlementStep.Credit,
            "登记到账",
            "credit",
            "登记后补助记入参保人个人账户（集体补助），不能撤回。确定登记吗？"
        ),
    ];

    private static readonly Offered Recalculation = new(
        SettlementStep.Recalculate,
        "重新测算",
        "recalculation",
        "按最新数据重新测算，原测算结果作废、结算从头办理。",
        Asks: "reason"
    );

    /// <param name="noticeEnd">The notice's last day, once it runs.</param>
    /// <param name="today">The business date the steps would be taken on.</param>
    public static IReadOnlyList<AllowedStep> For(
        string state,
        bool stale,
        Caller caller,
        string villageCode,
        DateOnly? noticeEnd,
        DateOnly today,
        int openObjections
    )
    {
        // A stale result is recalculated before anything else is done with it.
        var offered = stale ? [Recalculation] : Steps;
        return offered
            .Where(o =>
            {
                var rule = SettlementWorkflow.Rule(o.Step);
                return rule.Roles.Any(r => caller.HasRole(r)) && rule.From.Contains(state);
            })
            .Select(o =>
            {
                var why = SettlementWorkflow
                    .WhyNot(o.Step, state, stale, caller, villageCode)
                    ?.Message
                    ?? (
                        o.Step == SettlementStep.CloseNotice && noticeEnd is { } end
                            ? NoticePeriod.WhyStillOpen(end, today, openObjections)
                            : null
                    );
                return new AllowedStep(
                    EnumCodes.Of(o.Step),
                    o.Label,
                    o.Path,
                    why is null,
                    why,
                    o.Confirm,
                    o.Asks,
                    o.Danger
                );
            })
            .ToList();
    }
}
