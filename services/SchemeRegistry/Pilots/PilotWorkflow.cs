using Subsidy.Contracts;
using Subsidy.ServiceDefaults.Auth;

namespace SchemeRegistry.Pilots;

public enum PilotAction
{
    Apply,
    Approve,
    Reject,
    Suspend,
}

public sealed record PilotApplication(
    decimal? LastYearIncome,
    decimal? OperatingIncome,
    decimal? PlannedSubsidy
);

/// <summary>
/// 自主申请 → 县人社局批准 → 实施; 暂停 filed with the county; resume by applying again
/// (docs/design/02-schemes.md). Pure: which action is allowed from which state for which role.
/// </summary>
public static class PilotWorkflow
{
    public static string ActionName(PilotAction action) =>
        action switch
        {
            PilotAction.Apply => "申请试点",
            PilotAction.Approve => "批准试点",
            PilotAction.Reject => "驳回申请",
            PilotAction.Suspend => "暂停试点",
            _ => action.ToString(),
        };

    public static string StatusName(PilotStatus? status) =>
        status switch
        {
            null => "未申请",
            PilotStatus.Applied => "已申请待批准",
            PilotStatus.Rejected => "申请被驳回",
            PilotStatus.Active => "试点实施中",
            PilotStatus.Suspended => "已暂停",
            _ => status.ToString()!,
        };

    public static string RoleFor(PilotAction action) =>
        action == PilotAction.Apply ? Roles.VillageClerk : Roles.CountyBureau;

    public static PilotStatus Target(PilotAction action) =>
        action switch
        {
            PilotAction.Apply => PilotStatus.Applied,
            PilotAction.Approve => PilotStatus.Active,
            PilotAction.Reject => PilotStatus.Rejected,
            PilotAction.Suspend => PilotStatus.Suspended,
            _ => throw new ArgumentOutOfRangeException(nameof(action)),
        };

    /// <summary>Null when <paramref name="action"/> may be taken from <paramref name="current"/>;
    /// otherwise why not.</summary>
    public static string? WhyNot(PilotStatus? current, PilotAction action)
    {
        var allowed = action switch
        {
            PilotAction.Apply => current is null or PilotStatus.Rejected or PilotStatus.Suspended,
            PilotAction.Approve or PilotAction.Reject => current == PilotStatus.Applied,
            PilotAction.Suspend => current == PilotStatus.Active,
            _ => false,
        };
        return allowed ? null : $"试点状态为“{StatusName(current)}”，不能{ActionName(action)}。";
    }

    /// <summary>Whether the caller may take the action on this village's pilot at all: the
    /// action's role, then scope (before anything of the pilot is read).</summary>
    public static Refusal? WhyNotCaller(Caller caller, string villageCode, PilotAction action)
    {
        var role = RoleFor(action);
        if (!caller.HasRole(role))
            return Refusal.WrongRole(ActionName(action), [role], caller);
        if (!caller.Covers(villageCode))
            return Refusal.OutOfScope(caller, villageCode);
        return null;
    }

    private static readonly (PilotAction Action, AllowedStep Step)[] Steps =
    [
        (PilotAction.Apply, AllowedStep.Open("apply", "申请试点", "apply")),
        (PilotAction.Approve, AllowedStep.Open("approve", "批准", "approve")),
        (PilotAction.Reject, AllowedStep.Open("reject", "驳回", "reject", asks: "reason")),
        (
            PilotAction.Suspend,
            AllowedStep.Open("suspend", "暂停", "suspend", asks: "reason", danger: true)
        ),
    ];

    /// <summary>The decisions the caller may take on this village's pilot now, by the same rules
    /// the decision endpoints apply; what the pilot answers and the portal draws.</summary>
    public static IReadOnlyList<AllowedStep> AllowedSteps(
        PilotStatus? status,
        Caller caller,
        string villageCode
    ) =>
        Steps
            .Where(o =>
                WhyNotCaller(caller, villageCode, o.Action) is null
                && WhyNot(status, o.Action) is null
            )
            .Select(o => o.Step)
            .ToList();

    public static List<(string Field, string Message)> ValidateApplication(
        PilotApplication application
    )
    {
        var errors = new List<(string, string)>();
        if (application.LastYearIncome is not { } income || income < 0)
            errors.Add(("lastYearIncome", "上年度集体经济收入须填写且不能为负数。"));
        else if (decimal.Round(income, 2) != income)
            errors.Add(("lastYearIncome", "金额最多两位小数。"));
        if (application.OperatingIncome is not { } operating || operating < 0)
            errors.Add(("operatingIncome", "其中经营性收入须填写且不能为负数。"));
        else if (application.LastYearIncome is { } total && operating > total)
            errors.Add(
                ("operatingIncome", $"经营性收入 {operating} 不能大于集体经济收入 {total}。")
            );
        if (application.PlannedSubsidy is not { } planned || planned <= 0)
            errors.Add(("plannedSubsidy", "拟用于集体补助的金额须大于0。"));
        else if (decimal.Round(planned, 2) != planned)
            errors.Add(("plannedSubsidy", "金额最多两位小数。"));
        return errors;
    }
}
